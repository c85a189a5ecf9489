/**
 * Reporting, pure: the scripted calls of ./fixtures.ts → contact records → buckets → reports, every figure checked
 * against values computed by hand (the arithmetic is in the comments), in JSON and CSV.
 */
import {
  MemoryBuckets,
  ReportingService,
  agentReportCsv,
  buildContactRecord,
  callQueueReportCsv,
  type ContactRecord,
} from '../../../../shared/reporting';
import { ALICE_STATES, CALLS, G_CALLBACK, T0, TENANT, s } from './fixtures';

const records = new Map<string, ContactRecord>(CALLS.map((c) => [c.callId, buildContactRecord(c)]));
const rec = (id: string) => records.get(id)!;

function store(): MemoryBuckets {
  const m = new MemoryBuckets();
  for (const r of records.values()) m.addContact(r);
  for (const span of ALICE_STATES) m.addAgentState(span);
  m.addCallback(G_CALLBACK);
  return m;
}

const HOUR = 3_600_000;
const iso = (sec: number) => new Date(s(sec)).toISOString();

describe('contact records', () => {
  it('A answered fast: 8 s wait, talk 200 − 8 − 30 hold = 162 s, wrap-up 230 − 200 = 30 s', () => {
    expect(rec('A')).toEqual({
      callId: 'A',
      tenantId: TENANT,
      endpoint: 'cc-support@contoso.com',
      arrivedAt: s(0),
      endedAt: s(200),
      outcome: 'answered',
      callQueues: [
        {
          callQueueId: 'support',
          enqueuedAt: s(0),
          dequeuedAt: s(8),
          dequeueReason: 'answered',
          waitMs: 8000,
          serviceLevelThresholdS: 20,
        },
      ],
      offers: [
        { offerId: 'A1', agentId: 'alice', callQueueId: 'support', offeredAt: s(2), result: 'answered', ringMs: 6000 },
      ],
      connection: { agentId: 'alice', callQueueId: 'support', at: s(8), waitMs: 8000 },
      // total 200 s; ring 8 − 2 = 6 s; handle 162 + 30 + 30 = 222 s
      durations: { totalMs: 200000, ringMs: 6000, talkMs: 162000, holdMs: 30000, wrapUpMs: 30000, handleMs: 222000 },
    });
  });

  it('B answered slow after a missed offer, handed over by transfer: talk runs to the agent leg’s end', () => {
    const b = rec('B');
    expect(b.outcome).toBe('answered');
    expect(b.offers).toEqual([
      // bob rang 91 − 61 = 30 s and missed; carol rang 105 − 92 = 13 s and answered
      { offerId: 'B1', agentId: 'bob', callQueueId: 'support', offeredAt: s(61), result: 'missed', ringMs: 30000 },
      { offerId: 'B2', agentId: 'carol', callQueueId: 'support', offeredAt: s(92), result: 'answered', ringMs: 13000 },
    ]);
    expect(b.transfer).toEqual({ at: s(105) });
    expect(b.connection).toEqual({ agentId: 'carol', callQueueId: 'support', at: s(105), waitMs: 45000 });
    // talk 405 − 105 = 300 s; wrap-up 425 − 405 = 20 s; total (the bot's call) 105 − 60 = 45 s
    expect(b.durations).toEqual({
      totalMs: 45000,
      ringMs: 43000,
      talkMs: 300000,
      holdMs: 0,
      wrapUpMs: 20000,
      handleMs: 320000,
    });
  });

  it('C and D abandoned: 3 s is a short abandon (< 5 s), 50 s is not; a withdrawn offer rang until the hang-up', () => {
    expect(rec('C').abandonment).toEqual({ at: s(123), callQueueId: 'support', waitMs: 3000, short: true });
    expect(rec('C').outcome).toBe('abandoned');
    expect(rec('D').abandonment).toEqual({ at: s(230), callQueueId: 'support', waitMs: 50000, short: false });
    // offer D1 at 185, withdrawn at 230: rang 45 s, not missed
    expect(rec('D').offers).toEqual([
      { offerId: 'D1', agentId: 'bob', callQueueId: 'support', offeredAt: s(185), result: 'cancelled', ringMs: 45000 },
    ]);
  });

  it('E overflowed to another call queue: two stays, the call keeps its arrival', () => {
    const e = rec('E');
    expect(e.arrivedAt).toBe(s(240));
    expect(e.callQueues).toEqual([
      {
        callQueueId: 'support',
        enqueuedAt: s(240),
        dequeuedAt: s(240),
        dequeueReason: 'overflowed',
        waitMs: 0,
        movedTo: 'sales',
        serviceLevelThresholdS: 20,
      },
      {
        callQueueId: 'sales',
        enqueuedAt: s(240),
        dequeuedAt: s(262),
        dequeueReason: 'answered',
        waitMs: 22000,
        serviceLevelThresholdS: 30,
      },
    ]);
    expect(e.connection).toEqual({ agentId: 'dave', callQueueId: 'sales', at: s(262), waitMs: 22000 });
    expect(e.outcome).toBe('answered');
  });

  it('F timed out, G callback, H a declined offer then answered', () => {
    expect(rec('F').outcome).toBe('timedOut');
    expect(rec('F').callQueues[0]).toMatchObject({ dequeueReason: 'timedOut', waitMs: 60000 });
    expect(rec('G').outcome).toBe('callback');
    expect(rec('G').callback).toEqual({
      requestedAt: s(435),
      callQueueId: 'support',
      completedAt: s(1500),
      agentId: 'carol',
    });
    expect(rec('G').callQueues[0]).toMatchObject({ dequeueReason: 'callbackRequested', waitMs: 15000 });
    expect(rec('H').offers.map((o) => [o.offerId, o.result, o.ringMs])).toEqual([
      ['H1', 'declined', 2000],
      ['H2', 'answered', 6000],
    ]);
    // talk 700 − 610 = 90 s, wrap-up 710 − 700 = 10 s
    expect(rec('H').durations).toMatchObject({ talkMs: 90000, wrapUpMs: 10000, handleMs: 100000 });
  });

  it('is a function of the story: shuffled entries give the same record', () => {
    for (const c of CALLS) {
      const shuffled = { ...c, story: [...c.story].reverse() };
      expect(buildContactRecord(shuffled)).toEqual(rec(c.callId));
    }
  });
});

/*
 * Call queue support, 09:00–09:15, T = 20 s. Stays: A answered 8 s, B answered 45 s, C abandoned 3 s, D abandoned
 * 50 s, E overflowed 0 s, F timed out 60 s, G callback requested 15 s, H answered 10 s.
 *   offered 8; answered 3 (A B H); abandoned 2 (C D), short 1 (C); abandonment rate 2 / 8 = 0.25
 *   callbacks requested 1 (G), completed 0 (G's callback completed at 09:25: its own interval, below);
 *   overflowed 1 (E); timed out 1 (F)
 *   offers made from support: A1 B1 B2 D1 H1 H2 = 6; missed: B1 (rang out) + H1 (declined) = 2
 *   ASA (8 + 45 + 10) / 3 = 21 s; average wait (8 + 45 + 3 + 50 + 0 + 60 + 15 + 10) / 8 = 191 / 8 = 23.875 s
 *   p90: n = 8, rank ⌈0.9·8⌉ = 8 → the 60 s wait, bin (59, 60] → 60 s; longest 60 s
 *   AHT: talk 162 + 300 + 90 = 552, hold 30, wrap-up 30 + 20 + 10 = 60 → 642 / 3 = 214 s
 *   answered ≤ 20: A, H = 2; abandoned ≤ 20: C = 1; Connect removed ≤ 20: A, H, C, G (15 s) = 4
 *   Teams 1: 2 / 3 = 0.6667; Teams 2: 2 / (8 − 1) = 0.2857; Teams 3: (2 + 1) / 8 = 0.375; Teams 4: 2 / 8 = 0.25;
 *   Connect: 4 / 8 = 0.5
 */
const SUPPORT = {
  callQueueId: 'support',
  intervalStart: iso(0),
  intervalEnd: iso(900),
  offered: 8,
  answered: 3,
  abandoned: 2,
  shortAbandoned: 1,
  abandonmentRate: 0.25,
  callbacksRequested: 1,
  callbacksCompleted: 0,
  overflowed: 1,
  timedOut: 1,
  noAgent: 0,
  offers: 6,
  missedOffers: 2,
  asaS: 21,
  averageWaitS: 23.875,
  p90WaitS: 60,
  longestWaitS: 60,
  handled: 3,
  ahtS: 214,
  serviceLevel: {
    thresholdS: 20,
    teamsAnsweredOverAnswered: 0.6667,
    teamsAnsweredOverOfferedLessAbandonedWithinT: 0.2857,
    teamsAnsweredOrAbandonedWithinTOverOffered: 0.375,
    teamsAnsweredOverOffered: 0.25,
    connectRemovedWithinTOverQueued: 0.5,
  },
};
/*
 * Call queue support, 09:15–09:30: G's callback, completed by carol at 1500 s (09:25), talk 1500 → 1620 = 120 s,
 * wrap-up 1620 → 1630 = 10 s: callbacks completed 1, handled 1, AHT 130 s; nothing entered the call queue, so every
 * wait, rate and service level is undefined (÷ 0).
 */
const SUPPORT_CALLBACK = {
  callQueueId: 'support',
  intervalStart: iso(900),
  intervalEnd: iso(1800),
  offered: 0,
  answered: 0,
  abandoned: 0,
  shortAbandoned: 0,
  abandonmentRate: null,
  callbacksRequested: 0,
  callbacksCompleted: 1,
  overflowed: 0,
  timedOut: 0,
  noAgent: 0,
  offers: 0,
  missedOffers: 0,
  asaS: null,
  averageWaitS: null,
  p90WaitS: null,
  longestWaitS: null,
  handled: 1,
  ahtS: 130,
  serviceLevel: {
    thresholdS: null,
    teamsAnsweredOverAnswered: null,
    teamsAnsweredOverOfferedLessAbandonedWithinT: null,
    teamsAnsweredOrAbandonedWithinTOverOffered: null,
    teamsAnsweredOverOffered: null,
    connectRemovedWithinTOverQueued: null,
  },
};
/*
 * Support by hour or day (09:00–09:15 and 09:15–09:30 merged): callbacks requested 1, completed 1; handled 3 + 1 = 4,
 * AHT (642 + 130) / 4 = 193 s; everything else as 09:00–09:15.
 */
const SUPPORT_HOUR = { ...SUPPORT, callbacksCompleted: 1, handled: 4, ahtS: 193 };
/* Call queue sales, T = 30 s: E entered at 240 s (09:04), answered after 22 s; talk 362 − 262 = 100 s. */
const SALES = {
  callQueueId: 'sales',
  intervalStart: iso(0),
  intervalEnd: iso(900),
  offered: 1,
  answered: 1,
  abandoned: 0,
  shortAbandoned: 0,
  abandonmentRate: 0,
  callbacksRequested: 0,
  callbacksCompleted: 0,
  overflowed: 0,
  timedOut: 0,
  noAgent: 0,
  offers: 1,
  missedOffers: 0,
  asaS: 22,
  averageWaitS: 22,
  p90WaitS: 22,
  longestWaitS: 22,
  handled: 1,
  ahtS: 100,
  serviceLevel: {
    thresholdS: 30,
    teamsAnsweredOverAnswered: 1,
    teamsAnsweredOverOfferedLessAbandonedWithinT: 1,
    teamsAnsweredOrAbandonedWithinTOverOffered: 1,
    teamsAnsweredOverOffered: 1,
    connectRemovedWithinTOverQueued: 1,
  },
};

const zeroAgent = {
  offers: 0,
  answered: 0,
  missedOffers: 0,
  callbacksCompleted: 0,
  handled: 0,
  talkS: 0,
  holdS: 0,
  wrapUpS: 0,
  ahtS: null,
  staffedS: 0,
  busyS: 0,
  occupancy: null,
  stateS: { available: 0, offered: 0, busy: 0, wrapUp: 0, away: 0, offline: 0 },
};
const agentRow = (agentId: string, start: number, end: number, figures: object, callQueueId = '*') => ({
  agentId,
  callQueueId,
  intervalStart: iso(start),
  intervalEnd: iso(end),
  ...zeroAgent,
  ...figures,
});

/*
 * Agents, 15-minute intervals (all call queues):
 *   alice 09:00: offers A1 H1 = 2, answered A, missed H1 (declined); talk 162, hold 30, wrap 30 → AHT 222;
 *     staffed: available 8 + busy 192 + wrap-up 30 + available 570 + available 850–900 = 50 → 850 s (away 50 s is not
 *     staffed); busy 192 + 30 = 222 s; occupancy 222 / 850 = 0.2612
 *     by state: available 8 + 570 + 50 = 628, busy 192, wrap-up 30, away 50
 *   alice 09:15: available 900–1000 → staffed 100 s, busy 0 → occupancy 0; by state available 100
 *   bob 09:00: offers B1 D1 = 2, missed B1 (D1 was withdrawn, not missed); no state time → occupancy undefined
 *   carol 09:00: offer B2 answered; talk 300, wrap 20 → AHT 320. 09:15: G's callback completed at 1500 s (09:25),
 *     talk 120, wrap-up 10 → handled 1, AHT 130 (her state time is not in the fixture)
 *   dave 09:00: offers E1 H2, answered both; talk 100 + 90 = 190, wrap 10 → AHT 200 / 2 = 100
 */
const AGENTS_15M = [
  agentRow('alice', 0, 900, {
    offers: 2,
    answered: 1,
    missedOffers: 1,
    handled: 1,
    talkS: 162,
    holdS: 30,
    wrapUpS: 30,
    ahtS: 222,
    staffedS: 850,
    busyS: 222,
    occupancy: 0.2612,
    stateS: { available: 628, offered: 0, busy: 192, wrapUp: 30, away: 50, offline: 0 },
  }),
  agentRow('alice', 900, 1800, {
    staffedS: 100,
    occupancy: 0,
    stateS: { available: 100, offered: 0, busy: 0, wrapUp: 0, away: 0, offline: 0 },
  }),
  agentRow('bob', 0, 900, { offers: 2, missedOffers: 1 }),
  agentRow('carol', 0, 900, { offers: 1, answered: 1, handled: 1, talkS: 300, wrapUpS: 20, ahtS: 320 }),
  agentRow('carol', 900, 1800, { callbacksCompleted: 1, handled: 1, talkS: 120, wrapUpS: 10, ahtS: 130 }),
  agentRow('dave', 0, 900, { offers: 2, answered: 2, handled: 2, talkS: 190, wrapUpS: 10, ahtS: 100 }),
];

describe('reports', () => {
  const service = new ReportingService(store());
  const day = { tenantId: TENANT, from: T0, to: T0 + 24 * HOUR };

  it('call queues by 15 minutes: every figure as computed by hand', async () => {
    expect(await service.callQueues({ ...day, interval: '15m' })).toEqual([SALES, SUPPORT, SUPPORT_CALLBACK]);
  });

  it('by hour and by day the single interval holds the same figures', async () => {
    expect(await service.callQueues({ ...day, interval: '1h', callQueueId: 'support' })).toEqual([
      { ...SUPPORT_HOUR, intervalEnd: iso(3600) },
    ]);
    expect(await service.callQueues({ ...day, interval: '1d', callQueueId: 'support' })).toEqual([
      { ...SUPPORT_HOUR, intervalStart: iso(-9 * 3600), intervalEnd: iso(15 * 3600) }, // UTC days
    ]);
  });

  it('agents by 15 minutes, and by hour (alice: staffed 850 + 100 = 950 s, occupancy 222 / 950 = 0.2337)', async () => {
    expect(await service.agents({ ...day, interval: '15m' })).toEqual(AGENTS_15M);
    const hourly = await service.agents({ ...day, interval: '1h' });
    expect(hourly[0]).toEqual(
      agentRow('alice', 0, 3600, {
        offers: 2,
        answered: 1,
        missedOffers: 1,
        handled: 1,
        talkS: 162,
        holdS: 30,
        wrapUpS: 30,
        ahtS: 222,
        staffedS: 950,
        busyS: 222,
        occupancy: 0.2337,
        stateS: { available: 728, offered: 0, busy: 192, wrapUp: 30, away: 50, offline: 0 },
      }),
    );
    // carol by hour: her call and her completed callback in one row: handled 2, AHT (320 + 130) / 2 = 225 s
    expect(hourly.find((r) => r.agentId === 'carol')).toMatchObject({
      offers: 1,
      answered: 1,
      callbacksCompleted: 1,
      handled: 2,
      ahtS: 225,
    });
  });

  it('agents of one call queue: dave in sales took E (talk 100 s); staffed time is per agent, so no occupancy', async () => {
    expect(await service.agents({ ...day, interval: '1d', callQueueId: 'sales' })).toEqual([
      agentRow('dave', -9 * 3600, 15 * 3600, { offers: 1, answered: 1, handled: 1, talkS: 100, ahtS: 100 }, 'sales'),
    ]);
  });

  it('CSV: a header, every cell quoted, the five service levels side by side', async () => {
    const csv = callQueueReportCsv(await service.callQueues({ ...day, interval: '15m', callQueueId: 'support' }));
    expect(csv.split('\r\n')).toEqual([
      '"callQueueId","intervalStart","intervalEnd","offered","answered","abandoned","shortAbandoned","abandonmentRate",' +
        '"callbacksRequested","callbacksCompleted","overflowed","timedOut","noAgent","offers","missedOffers","asaS",' +
        '"averageWaitS","p90WaitS","longestWaitS","handled","ahtS","serviceLevelThresholdS",' +
        '"slTeamsAnsweredOverAnswered","slTeamsAnsweredOverOfferedLessAbandonedWithinT",' +
        '"slTeamsAnsweredOrAbandonedWithinTOverOffered","slTeamsAnsweredOverOffered",' +
        '"slConnectRemovedWithinTOverQueued"',
      '"support","2026-12-03T09:00:00.000Z","2026-12-03T09:15:00.000Z","8","3","2","1","0.25","1","0","1","1","0",' +
        '"6","2","21","23.875","60","60","3","214","20","0.6667","0.2857","0.375","0.25","0.5"',
      '"support","2026-12-03T09:15:00.000Z","2026-12-03T09:30:00.000Z","0","0","0","0","","0","1","0","0","0",' +
        '"0","0","","","","","1","130","","","","","",""',
      '',
    ]);
    const agents = agentReportCsv(await service.agents({ ...day, interval: '15m' }));
    const lines = agents.split('\r\n');
    expect(lines[0]).toBe(
      '"agentId","callQueueId","intervalStart","intervalEnd","offers","answered","missedOffers","callbacksCompleted",' +
        '"handled","talkS","holdS","wrapUpS","ahtS","staffedS","busyS","occupancy","stateAvailableS","stateOfferedS",' +
        '"stateBusyS","stateWrapUpS","stateAwayS","stateOfflineS"',
    );
    expect(lines[1]).toBe(
      '"alice","*","2026-12-03T09:00:00.000Z","2026-12-03T09:15:00.000Z","2","1","1","0","1","162","30","30","222",' +
        '"850","222","0.2612","628","0","192","30","50","0"',
    );
    // bob: figures undefined in the interval (÷ 0) are empty cells, still quoted
    expect(lines[3]).toBe(
      '"bob","*","2026-12-03T09:00:00.000Z","2026-12-03T09:15:00.000Z","2","0","1","0","0","0","0","0","","0","0","",' +
        '"0","0","0","0","0","0"',
    );
  });

  it('a record, a state span or a completed callback delivered twice counts once', async () => {
    const m = store();
    expect(m.addContact(rec('A'))).toBe(false);
    expect(m.addAgentState(ALICE_STATES[0])).toBe(false);
    expect(m.addCallback({ ...G_CALLBACK, talkMs: 1 })).toBe(false);
    expect(await new ReportingService(m).callQueues({ ...day, interval: '15m' })).toEqual([
      SALES,
      SUPPORT,
      SUPPORT_CALLBACK,
    ]);
  });

  it('refuses a bad query with a reason', async () => {
    await expect(service.callQueues({ ...day, interval: '5m' as never })).rejects.toThrow(/interval must be one of/);
    await expect(service.callQueues({ ...day, interval: '1h', to: day.from })).rejects.toThrow(/after from/);
  });
});
