/**
 * The feed's and the report routes' pure rules: which span releases an agent from a call, the feed's message
 * contract, the report query (every bad field named), the caller's number as a Supervisor sees it, the real-time
 * stream's change key (the clock alone is no change), the feed queue's name.
 */
import { callerFor, maskPhone, type Principal } from '../../../../shared/auth';
import { reportingQueueName } from '../../../../shared/config';
import {
  changeKey,
  parseCallSearch,
  parseReportRequest,
  parseReportingFeedMessage,
  releasesCall,
  type RealtimeSnapshot,
} from '../../../../shared/reporting';

const query = (q: Record<string, string>) => parseReportRequest((name) => q[name] ?? null);

describe('releasesCall', () => {
  it('is the end of wrap-up, or of busy without wrap-up — never of an offer', () => {
    const span = { from: 1, to: 2, callId: 'c' };
    expect(releasesCall({ ...span, state: 'wrapUp', next: 'available' })).toBe(true);
    expect(releasesCall({ ...span, state: 'wrapUp', next: 'away' })).toBe(true);
    expect(releasesCall({ ...span, state: 'busy', next: 'available' })).toBe(true);
    expect(releasesCall({ ...span, state: 'busy', next: 'wrapUp' })).toBe(false);
    expect(releasesCall({ ...span, state: 'offered', next: 'available' })).toBe(false);
    expect(releasesCall({ from: 1, to: 2, state: 'wrapUp', next: 'available' })).toBe(false);
  });
});

describe('parseReportingFeedMessage', () => {
  it('reads both kinds, as JSON text or parsed, and names what is wrong', () => {
    const ended = { kind: 'callEnded', tenantId: 't', callId: 'c' };
    expect(parseReportingFeedMessage(JSON.stringify(ended))).toEqual({ ok: true, message: ended });
    const spans = {
      kind: 'agentSpans',
      tenantId: 't',
      agentId: 'a',
      spans: [{ state: 'busy', from: 1, to: 2, next: 'wrapUp' }],
    };
    expect(parseReportingFeedMessage(spans)).toEqual({ ok: true, message: spans });
    expect(parseReportingFeedMessage('{')).toEqual({ ok: false, reason: 'the message is not JSON' });
    const bad = parseReportingFeedMessage({ ...spans, spans: [{ state: 'napping', from: 1, to: 2, next: 'busy' }] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^spans\.0\.state /);
  });
});

describe('parseReportRequest', () => {
  it('takes ISO instants and dates, defaults interval 15m and format json', () => {
    expect(query({ from: '2026-12-03', to: '2026-12-04T00:00:00Z' })).toEqual({
      ok: true,
      request: { from: Date.UTC(2026, 11, 3), to: Date.UTC(2026, 11, 4), interval: '15m', format: 'json' },
    });
    expect(
      query({
        from: '2026-12-03T08:00:00+01:00',
        to: '2026-12-04',
        interval: '1d',
        callQueueId: 'sales',
        format: 'csv',
      }),
    ).toMatchObject({
      ok: true,
      request: { from: Date.UTC(2026, 11, 3, 7), interval: '1d', callQueueId: 'sales', format: 'csv' },
    });
  });

  it('names every bad field at once', () => {
    const r = query({ from: 'yesterday', interval: '2h', callQueueId: 'a b', format: 'xml' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['from', 'to', 'interval', 'callQueueId', 'format']);
    const order = query({ from: '2026-12-04', to: '2026-12-03' });
    expect(!order.ok && order.errors).toEqual([{ field: 'to', message: 'must be after from' }]);
    const long = query({ from: '2026-01-01', to: '2026-12-31' });
    expect(!long.ok && long.errors).toEqual([{ field: 'to', message: 'a report covers at most 92 days' }]);
  });
});

describe('parseCallSearch', () => {
  const search = (q: Record<string, string>) => parseCallSearch((name) => q[name] ?? null);
  it('reads the filters, the caller as digits, the agent lower-cased', () => {
    expect(
      search({
        from: '2026-12-01',
        to: '2026-12-02',
        result: 'abandoned',
        agent: 'Ann@Contoso.com',
        caller: '+1 (425) 555-0100',
        callQueueId: 'sales',
      }),
    ).toEqual({
      ok: true,
      search: {
        from: Date.UTC(2026, 11, 1),
        to: Date.UTC(2026, 11, 2),
        result: 'abandoned',
        agent: 'ann@contoso.com',
        caller: '+14255550100',
        callQueueId: 'sales',
      },
    });
  });
  it('names every bad field at once; a search covers at most 31 days', () => {
    const r = search({ from: 'x', result: 'lost', agent: 'bob', caller: 'call me', callQueueId: 'a b' });
    expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['from', 'to', 'result', 'agent', 'caller', 'callQueueId']);
    const long = search({ from: '2026-01-01', to: '2026-03-01' });
    expect(!long.ok && long.errors).toEqual([{ field: 'to', message: 'a search covers at most 31 days' }]);
  });
});

describe("the caller's number", () => {
  const principal = (roles: string[]): Principal => ({ tenantId: 't', oid: 'o', roles, queues: [] });
  it('is whole for an Admin, the last four digits for a Supervisor; a Teams user id is not masked', () => {
    expect(maskPhone('+14255550100')).toBe('+*******0100');
    expect(maskPhone('425 555 0100')).toBe('******0100');
    expect(callerFor(principal(['Switchboard.Admin']), '+14255550100')).toBe('+14255550100');
    expect(callerFor(principal(['Switchboard.Supervisor']), '+14255550100')).toBe('+*******0100');
    const userId = '9f2a5b8e-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
    expect(callerFor(principal(['Switchboard.Supervisor']), userId)).toBe(userId);
    expect(callerFor(principal(['Switchboard.Supervisor']), undefined)).toBeUndefined();
  });
});

describe('changeKey', () => {
  const snapshot = (waitS: number, inStateS: number, waiting = 1): RealtimeSnapshot => ({
    at: new Date(waitS * 1000).toISOString(),
    callQueues: [
      {
        callQueueId: 'sales',
        waiting,
        callbacksWaiting: 0,
        oldestArrivedAt: '2026-12-03T09:00:00.000Z',
        longestWaitS: waitS,
        agents: { available: 1, offered: 0, busy: 0, wrapUp: 0, away: 0, offline: 0 },
        today: { offered: 1, answered: 0, abandoned: 0, serviceLevel: { thresholdS: 20 } },
      },
    ],
    agents: [
      {
        agentId: 'a',
        userPrincipalName: 'a@contoso.com',
        state: 'available',
        since: '2026-12-03T09:00:00.000Z',
        timeInStateS: inStateS,
        callQueueIds: ['sales'],
      },
    ],
  });
  it('ignores the clock and sees a change', () => {
    expect(changeKey(snapshot(5, 60))).toBe(changeKey(snapshot(6, 61)));
    expect(changeKey(snapshot(5, 60, 2))).not.toBe(changeKey(snapshot(5, 60)));
  });
});

describe('reportingQueueName', () => {
  it('is REPORTING_QUEUE_NAME, else the call-events queue name with -reporting', () => {
    expect(reportingQueueName({})).toBe('call-events-reporting');
    expect(reportingQueueName({ CALL_EVENTS_QUEUE_NAME: 'call-events-e2e1' })).toBe('call-events-e2e1-reporting');
    expect(reportingQueueName({ REPORTING_QUEUE_NAME: 'feed', CALL_EVENTS_QUEUE_NAME: 'x' })).toBe('feed');
    // Never the call-events queue itself, and a valid queue name (≤ 56 characters, single dashes).
    expect(reportingQueueName({ CALL_EVENTS_QUEUE_NAME: 'c'.repeat(56) })).toBe(`${'c'.repeat(46)}-reporting`);
    expect(reportingQueueName({ CALL_EVENTS_QUEUE_NAME: `${'c'.repeat(45)}-d` })).toBe(`${'c'.repeat(45)}-reporting`);
  });
});
