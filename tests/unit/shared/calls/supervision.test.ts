/**
 * Supervision and compliance recording in the call machine (issue 15 items 5, 6): monitor / barge sessions (invite,
 * mute once joined, upgrade by a new leg, downgrade by mute, leave, fail, end), the recorder's spans (start at the
 * connection, idempotent pause / resume, closed at the end), what the command outbox still sends, and who may do it
 * (supervision.rules.ts).
 */
import fc from 'fast-check';
import {
  ArrivalRoute,
  CallInput,
  CallLogEntry,
  CallRecord,
  applyCallInput,
  applyCallInputs,
} from '../../../../shared/calls/call.rules';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import {
  DEFAULT_PAUSE_ALLOWED_FOR,
  isAlreadySo,
  recordingView,
  supervisionView,
} from '../../../../shared/calls/call.supervision-inputs';
import { commandNoLongerWanted } from '../../../../shared/calls/call-command-outbox';
import {
  recordingDecision,
  superviseDecision,
  type SupervisionCaller,
} from '../../../../shared/calls/supervision.rules';
import {
  AGENT_USER,
  CALL,
  CALLER_PARTICIPANT,
  incoming,
  operationDone,
  roster,
  stateUpdate,
  terminated,
} from './fixtures';

const env = { callbackUri: 'https://switchboard.example/api/calls/notifications' };
const ANSWER: ArrivalRoute = { action: 'answer', callQueueId: 'support' };
const SUPERVISOR = '5810cede-f3cc-42eb-b2c1-e9bd5d53ec96';
const CALLER_PHONE = '+14255550111';

function g(notification: unknown, at: number): CallInput[] {
  return parseNotification(notification).map((event) => ({ kind: 'graph', event, at, route: ANSWER }));
}
const run = (inputs: CallInput[], start?: CallRecord) => applyCallInputs(start, inputs, env);
const kinds = (log: CallLogEntry[]) => log.map((e) => e.kind);

/** A call connected to agent01 by invitation at t = 3000. */
function connected(): CallRecord {
  const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
  const offered = run(
    [{ kind: 'offer', key: 'o1', at: 2000, offerId: 'o1', agentId: 'agent01', userId: AGENT_USER, via: 'invite' }],
    queued,
  ).record!;
  const r = run(
    g(operationDone('inviteParticipantsOperation', offered.offers[0].clientContext), 3000),
    offered,
  ).record!;
  expect(r.connected?.agentId).toBe('agent01');
  return r;
}

const supervise = (at: number, mode: 'monitor' | 'barge', participantId: string, userId = SUPERVISOR): CallInput => ({
  kind: 'supervise',
  key: `${mode}-${participantId}`,
  at,
  mode,
  userId,
  participantId,
});
const recording = (at: number, action: 'start' | 'pause' | 'resume', key = `${action}-${at}`): CallInput => ({
  kind: 'recording',
  key,
  at,
  action,
});
/** The bot's roster: the caller, the agent, and whoever else is named. */
const rosterWith = (...others: { id: string; userId: string; isMuted?: boolean }[]) =>
  roster([{ phone: CALLER_PHONE, id: CALLER_PARTICIPANT }, { userId: AGENT_USER, id: 'o1' }, ...others]);

describe('monitor and barge', () => {
  it('is refused until the call is connected to an agent', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
    const t = applyCallInput(queued, supervise(500, 'monitor', 'p1'), env);
    expect(t.refused).toMatch(/not connected to an agent/);
    expect(t.commands).toEqual([]);
  });

  it('monitor: the supervisor is invited, muted once joined; the roster shows them muted; twice is one session', () => {
    const r0 = connected();
    const a = applyCallInput(r0, supervise(4000, 'monitor', 'p1'), env);
    expect(a.commands).toEqual([
      {
        op: 'invite',
        callId: CALL,
        targets: [{ kind: 'user', userId: SUPERVISOR, tenantId: r0.tenantId }],
        clientContext: expect.stringContaining('supervise:monitor'),
        participantId: 'p1',
      },
    ]);
    expect(a.log).toEqual([]); // not in the call yet
    const again = applyCallInput(a.record, supervise(4100, 'monitor', 'p2'), env);
    expect(isAlreadySo(again.refused)).toBe(true);
    const cc = a.record.supervision![0].clientContext;
    const joined = run(g(operationDone('inviteParticipantsOperation', cc), 5000), a.record);
    expect(kinds(joined.log)).toEqual(['monitorStarted']);
    expect(joined.log[0]).toMatchObject({ supervisorId: SUPERVISOR, at: 5000 });
    expect(joined.commands).toEqual([
      { op: 'muteParticipant', callId: CALL, participantId: 'p1', clientContext: expect.stringContaining('Mute') },
    ]);
    const muted = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR, isMuted: true }), 5200), joined.record);
    expect(supervisionView(muted.record!)).toEqual([
      expect.objectContaining({ supervisorId: SUPERVISOR, mode: 'monitor', state: 'joined', muted: true }),
    ]);
    // The supervisor is not taken for an agent who joined after their offer was over.
    expect(muted.commands).toEqual([]);
  });

  it('a roster may tell the join before the invitation completes; the completion then changes nothing', () => {
    const a = applyCallInput(connected(), supervise(4000, 'barge', 'p1'), env);
    const seen = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR }), 4500), a.record);
    expect(kinds(seen.log)).toEqual(['bargeStarted']);
    expect(seen.commands).toEqual([]); // barge: no mute
    const late = run(
      g(operationDone('inviteParticipantsOperation', a.record.supervision![0].clientContext), 4600),
      seen.record,
    );
    expect(late.log).toEqual([]);
  });

  it('monitor → barge: Graph cannot unmute another participant, so the muted leg leaves and a speaking one is invited', () => {
    const a = applyCallInput(connected(), supervise(4000, 'monitor', 'p1'), env);
    const joined = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR, isMuted: true }), 5000), a.record).record!;
    const b = applyCallInput(joined, supervise(6000, 'barge', 'p2'), env);
    expect(kinds(b.log)).toEqual(['monitorEnded']);
    expect(b.commands.map((c) => c.op)).toEqual(['removeParticipant', 'invite']);
    expect(b.commands[0]).toMatchObject({ participantId: 'p1' });
    expect(b.commands[1]).toMatchObject({ participantId: 'p2' });
    const in2 = run(g(rosterWith({ id: 'p2', userId: SUPERVISOR }), 7000), b.record);
    expect(kinds(in2.log)).toEqual(['bargeStarted']);
    expect(supervisionView(in2.record!).map((s) => [s.mode, s.state])).toEqual([
      ['monitor', 'ended'],
      ['barge', 'joined'],
    ]);
  });

  it('a roster received before the one that listed the supervisor does not make them leave (rosters reorder)', () => {
    const a = applyCallInput(connected(), supervise(4000, 'monitor', 'p1'), env);
    const joined = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR }), 5000), a.record).record!;
    const b = applyCallInput(joined, supervise(6000, 'barge', 'p2'), env);
    // Graph sent: the roster without the muted leg (received 6500), then the one with the speaking leg (7000);
    // the storage queue hands them over the other way round.
    const seen = run(g(rosterWith({ id: 'p2', userId: SUPERVISOR }), 7000), b.record);
    const stale = run(g(rosterWith(), 6500), seen.record);
    expect(kinds(stale.log)).toEqual([]);
    expect(supervisionView(stale.record!).at(-1)).toMatchObject({ mode: 'barge', state: 'joined' });
    // A later roster without them (another one than the stale: an identical notification is a duplicate by its key).
    const later = roster([
      { phone: CALLER_PHONE, id: CALLER_PARTICIPANT },
      { userId: AGENT_USER, id: 'o1', isMuted: true },
    ]);
    const left = run(g(later, 9000), stale.record);
    expect(kinds(left.log)).toEqual(['bargeEnded']);
  });

  it('barge → monitor mutes the same leg', () => {
    const a = applyCallInput(connected(), supervise(4000, 'barge', 'p1'), env);
    const joined = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR }), 5000), a.record).record!;
    const m = applyCallInput(joined, supervise(6000, 'monitor', 'p2'), env);
    expect(kinds(m.log)).toEqual(['bargeEnded', 'monitorStarted']);
    expect(m.commands).toEqual([expect.objectContaining({ op: 'muteParticipant', participantId: 'p1' })]);
  });

  it('a supervisor who leaves, a failed invitation and the end each close a session once', () => {
    const a = applyCallInput(connected(), supervise(4000, 'monitor', 'p1'), env);
    const joined = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR }), 5000), a.record).record!;
    const left = run([...g(rosterWith(), 6000), ...g(rosterWith(), 6100)], joined);
    expect(kinds(left.log)).toEqual(['monitorEnded']);
    expect(left.log[0].detail).toBe('left the call');

    const b = applyCallInput(left.record, supervise(7000, 'barge', 'p2'), env);
    const failed = run(
      g(operationDone('inviteParticipantsOperation', b.record.supervision![1].clientContext, 'failed'), 7500),
      b.record,
    );
    expect(kinds(failed.log)).toEqual(['bargeEnded']);
    expect(failed.log[0].detail).toMatch(/invitation failed/);

    const c = applyCallInput(failed.record, supervise(8000, 'monitor', 'p3'), env);
    const ended = run(g(terminated(200, 540000), 9000), c.record);
    expect(kinds(ended.log)).toEqual(['monitorEnded', 'ended']);
    expect(ended.commands).toEqual([]);
  });

  it('the outbox sends a supervisor command again only while the call still wants it', () => {
    const a = applyCallInput(connected(), supervise(4000, 'monitor', 'p1'), env);
    const invite = a.commands[0];
    expect(commandNoLongerWanted(a.record, invite)).toBeUndefined();
    const joined = run(g(rosterWith({ id: 'p1', userId: SUPERVISOR }), 5000), a.record);
    expect(commandNoLongerWanted(joined.record, invite)).toMatch(/no longer/); // joined: never invited twice
    const mute = joined.commands[0];
    expect(commandNoLongerWanted(joined.record, mute)).toBeUndefined();
    const barge = applyCallInput(joined.record!, supervise(6000, 'barge', 'p2'), env);
    expect(commandNoLongerWanted(barge.record, mute)).toMatch(/no longer monitors/);
    const remove = barge.commands[0];
    expect(commandNoLongerWanted(barge.record, remove)).toBeUndefined();
  });
});

describe('compliance recording', () => {
  it('starts only on a connected call; pause / resume are idempotent; the end closes the last span', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
    expect(applyCallInput(queued, recording(200, 'start'), env).refused).toMatch(/not connected/);
    const started = applyCallInput(connected(), recording(3000, 'start'), env);
    expect(kinds(started.log)).toEqual(['recordingStarted']);
    expect(started.commands).toEqual([
      expect.objectContaining({ op: 'updateRecordingStatus', status: 'recording', callId: CALL }),
    ]);
    expect(started.record.recording?.pauseAllowedFor).toEqual(DEFAULT_PAUSE_ALLOWED_FOR);
    const paused = applyCallInput(started.record, recording(5000, 'pause'), env);
    expect(paused.commands).toEqual([expect.objectContaining({ status: 'notRecording' })]);
    const twice = applyCallInput(paused.record, recording(5500, 'pause'), env);
    expect(isAlreadySo(twice.refused)).toBe(true);
    expect(twice.commands).toEqual([]);
    const resumed = applyCallInput(paused.record, recording(8000, 'resume'), env);
    const ended = run(g(terminated(200, 540000), 10_000), resumed.record);
    expect(kinds(ended.log)).toEqual(['recordingStopped', 'ended']);
    expect(ended.record!.recording!.spans).toEqual([
      { from: 3000, to: 5000, state: 'recording' },
      { from: 5000, to: 8000, state: 'notRecording' },
      { from: 8000, to: 10_000, state: 'recording' },
    ]);
    expect(recordingView(ended.record!, 99_999)).toMatchObject({
      state: 'stopped',
      recordedMs: 4000,
      notRecordedMs: 3000,
    });
    expect(applyCallInput(ended.record!, recording(11_000, 'resume'), env).refused).toMatch(/ending/);
  });

  it('the outbox never sends an older recording status after a newer one', () => {
    const started = applyCallInput(connected(), recording(3000, 'start'), env);
    const paused = applyCallInput(started.record, recording(5000, 'pause'), env);
    expect(commandNoLongerWanted(paused.record, started.commands[0])).toMatch(/later recording state/);
    expect(commandNoLongerWanted(paused.record, paused.commands[0])).toBeUndefined();
  });

  it('property: any pauses and resumes give contiguous alternating spans, one per change, covering the call', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 5000 }), pause: fc.boolean() }), { maxLength: 30 }),
        (steps) => {
          let r = applyCallInput(connected(), recording(3000, 'start'), env).record;
          let at = 3000;
          let changes = 0;
          let state: 'recording' | 'paused' = 'recording';
          steps.forEach((s, i) => {
            at += s.gap;
            const want = s.pause ? 'paused' : 'recording';
            const t = applyCallInput(r, recording(at, s.pause ? 'pause' : 'resume', `k${i}`), env);
            if (want !== state) changes++;
            state = want;
            r = t.record;
          });
          const end = at + 1000;
          const done = run(g(terminated(200, 540000), end), r).record!;
          const spans = done.recording!.spans;
          expect(spans).toHaveLength(1 + changes);
          spans.forEach((sp, i) => {
            if (i > 0) {
              expect(sp.from).toBe(spans[i - 1].to);
              expect(sp.state).not.toBe(spans[i - 1].state);
            }
          });
          expect(spans[0].from).toBe(3000);
          expect(spans[spans.length - 1].to).toBe(end);
          const v = recordingView(done, end);
          expect(v!.recordedMs + v!.notRecordedMs).toBe(end - 3000);
        },
      ),
    );
  });
});

describe('who may supervise and pause (supervision.rules)', () => {
  const caller = (o: Partial<SupervisionCaller>): SupervisionCaller => ({
    all: false,
    queues: new Set<string>(),
    oid: 'someone',
    isAdmin: false,
    isSupervisor: false,
    isAgent: false,
    ...o,
  });
  const admin = caller({ all: true, isAdmin: true, oid: 'admin-oid' });
  const support = caller({ isSupervisor: true, queues: new Set(['support']), oid: SUPERVISOR, upn: 'nestor@x.com' });
  const sales = caller({ isSupervisor: true, queues: new Set(['sales']) });
  const agentOnCall = caller({ isAgent: true, oid: AGENT_USER.toLowerCase() });
  const otherAgent = caller({ isAgent: true, oid: 'agent-02' });
  const queues = ['support'];

  it('monitor / barge: 404 outside the scope before anything, 409 unless connected, only an admin names someone else', () => {
    const queued = run([...g(incoming(), 0), ...g(stateUpdate('established'), 100)]).record!;
    expect(superviseDecision(sales, queued, queues, {})).toMatchObject({ ok: false, status: 404 });
    expect(superviseDecision(support, queued, queues, {})).toMatchObject({ ok: false, status: 409 });
    const r = connected();
    expect(superviseDecision(support, r, queues, {})).toEqual({ ok: true, userId: SUPERVISOR });
    expect(superviseDecision(support, r, queues, { userPrincipalName: 'nestor@x.com' })).toEqual({
      ok: true,
      userId: SUPERVISOR,
    });
    // Someone else's UPN (or their own, when the token carries no name): looked up, and the service refuses it
    // (403) unless it resolves to the supervisor's own object id.
    expect(superviseDecision(support, r, queues, { userPrincipalName: 'megan@x.com' })).toEqual({
      ok: true,
      lookup: 'megan@x.com',
      selfOnly: true,
    });
    expect(superviseDecision(admin, r, queues, { userPrincipalName: 'megan@x.com' })).toEqual({
      ok: true,
      lookup: 'megan@x.com',
    });
    expect(superviseDecision(agentOnCall, r, queues, {})).toMatchObject({ ok: false, status: 404 });
  });

  it('pause / resume: the agent on the call, the call queue supervisor, an admin — as pauseAllowedFor allows', () => {
    const r = applyCallInput(connected(), recording(3000, 'start'), env).record;
    expect(recordingDecision(agentOnCall, r, queues)).toEqual({ ok: true, as: 'agent' });
    expect(recordingDecision(support, r, queues)).toEqual({ ok: true, as: 'supervisor' });
    expect(recordingDecision(admin, r, queues)).toEqual({ ok: true, as: 'admin' });
    expect(recordingDecision(otherAgent, r, queues)).toMatchObject({ ok: false, status: 403 });
    expect(recordingDecision(sales, r, queues)).toMatchObject({ ok: false, status: 404 });
    const agentsOnly = applyCallInput(
      connected(),
      { kind: 'recording', key: 's', at: 3000, action: 'start', pauseAllowedFor: ['agent'] },
      env,
    ).record;
    expect(recordingDecision(support, agentsOnly, queues)).toMatchObject({ ok: false, status: 403 });
    expect(recordingDecision(admin, agentsOnly, queues)).toMatchObject({ ok: false, status: 403 });
    expect(recordingDecision(agentOnCall, agentsOnly, queues)).toEqual({ ok: true, as: 'agent' });
    expect(recordingDecision(support, connected(), queues)).toMatchObject({ ok: false, status: 409 });
    const ended = run(g(terminated(200, 540000), 9000), r).record!;
    expect(recordingDecision(agentOnCall, ended, queues)).toMatchObject({ ok: false, status: 409 });
  });
});
