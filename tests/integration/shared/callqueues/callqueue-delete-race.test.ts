/**
 * `DELETE …/callQueues/{id}` is not check-then-delete (Azurite tables, the real repositories and router): the call
 * queue is marked `deleting` first, so a call that enters it between the DELETE's check for calls and the delete
 * takes its no-agent action instead of waiting in a call queue that is about to vanish; with calls found the mark
 * comes off (409); a mark left by a DELETE that died is a lease that runs out; a call entering a call queue that is
 * gone is disconnected, not left waiting unrouted.
 */
jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import {
  AgentsRepository,
  CallQueueService,
  CallQueuesRepository,
  callQueueBodyOf,
  type ActiveCallRef,
  type CallQueueRecord,
} from '../../../../shared/callqueues';
import { CallQueueRouterService, CallRepository, type CallInput, type CallRecord } from '../../../../shared/calls';
import { DELETING_MARK_MS, newAgentRecord } from '../../../../shared/domain';
import { TableStorage, tableStorage } from '../../../support/azurite-tables';

let storage: TableStorage;
let callQueues: CallQueuesRepository;
let agents: AgentsRepository;
let calls: CallRepository;
const suffix = randomUUID().replace(/-/g, '').slice(0, 10);

beforeAll(async () => {
  storage = await tableStorage();
  callQueues = new CallQueuesRepository(storage.connectionString, `cqdel${suffix}`);
  agents = new AgentsRepository(storage.connectionString, `agdel${suffix}`);
  calls = new CallRepository(storage.connectionString, { callsTable: `cdel${suffix}`, eventsTable: `edel${suffix}` });
});
afterAll(async () => {
  await storage?.stop();
});

function callQueue(tenantId: string, queueId: string, extra: Partial<CallQueueRecord> = {}): CallQueueRecord {
  return {
    tenantId,
    queueId,
    name: queueId,
    routingMethod: 'attendant',
    presenceBasedRouting: true,
    agentAlertTimeS: 30,
    wrapUpS: 0,
    maxCalls: 50,
    maxWaitS: 1200,
    serviceLevelThresholdS: 20,
    overflowAction: { kind: 'disconnect' },
    timeoutAction: { kind: 'disconnect' },
    noAgentAction: { kind: 'callQueue', target: 'elsewhere' },
    agents: [{ userPrincipalName: 'agent1@contoso.com', agentId: 'agent-1' }],
    updatedAt: new Date().toISOString(),
    ...extra,
  } as CallQueueRecord;
}

function queuedCall(tenantId: string, callId: string, queueId: string): CallRecord {
  const at = Date.now() - 1000;
  return {
    callId,
    tenantId,
    arrival: { at, route: { action: 'answer', callQueueId: queueId }, callerParticipantId: 'p' },
    answeredAt: at + 100,
    enqueuedAt: at + 200,
    callQueueId: queueId,
    offers: [],
    tones: [],
    pendingOps: {},
    seen: [],
    logSeq: 3,
    opSeq: 0,
  } as CallRecord;
}

/** The router as the app builds it, recording what it asks of a call instead of applying it. */
function router() {
  const applied: { callId: string; input: CallInput }[] = [];
  const timers: string[] = [];
  const service = new CallQueueRouterService({
    callQueues,
    agents,
    calls,
    decide: () => ({ offers: [] }),
    applyRouterInput: async (_t, callId, input) => {
      applied.push({ callId, input });
      return { record: undefined, log: [], commands: [], changed: true };
    },
    timers: { send: async (m) => void timers.push(...m.map((x) => (x.kind === 'timer' ? x.purpose : x.kind))) },
  });
  return { service, applied, timers };
}

async function withAgent(tenantId: string): Promise<void> {
  await agents.update(tenantId, 'agent-1', () => ({
    ...newAgentRecord(tenantId, 'agent-1', 'agent1@contoso.com'),
    state: 'available',
  }));
}

function service(activeCalls: (t: string, q: string) => Promise<ActiveCallRef[]>): CallQueueService {
  return new CallQueueService({
    callQueues,
    agents,
    users: { resolveUsers: async () => new Map() },
    calls: { activeCalls },
  });
}

test('a call entering between the check for calls and the delete takes the no-agent action', async () => {
  const t = randomUUID();
  await withAgent(t);
  await callQueues.put(callQueue(t, 'sales'));
  const r = router();
  let entered: boolean | undefined;
  const outcome = await service(async (tenantId, queueId) => {
    // The check lists no call; right then a call enters (its row written after the listing) and the router reads
    // the call queue as it does for every arrival.
    const found = await calls.listActive(tenantId, queueId);
    entered = await r.service.callEnqueued(tenantId, queuedCall(tenantId, 'late-call', queueId), Date.now());
    return found;
  }).delete(t, 'sales');
  expect(outcome).toEqual({ kind: 'deleted' });
  expect(entered).toBe(true);
  expect(r.applied).toHaveLength(1);
  expect(r.applied[0].callId).toBe('late-call');
  expect(r.applied[0].input).toMatchObject({
    kind: 'callQueueAction',
    reason: 'noAgent',
    action: { kind: 'callQueue', callQueueId: 'elsewhere' },
    fromCallQueueId: 'sales',
  });
  expect(r.timers).toEqual([]); // no max wait armed in a call queue that is gone
  expect(await callQueues.get(t, 'sales')).toBeUndefined();
});

test('calls waiting: 409, and the mark comes off — the call queue takes calls again', async () => {
  const t = randomUUID();
  await withAgent(t);
  await callQueues.put(callQueue(t, 'support'));
  const outcome = await service(async () => [{ callId: 'waiting-call', phase: 'queued' }]).delete(t, 'support');
  expect(outcome).toEqual({ kind: 'callsWaiting', callIds: ['waiting-call'] });
  const after = await callQueues.get(t, 'support');
  expect(after?.deleting).toBeUndefined();
  expect(callQueueBodyOf(after as CallQueueRecord)).not.toHaveProperty('deleting');
  const r = router();
  expect(await r.service.callEnqueued(t, queuedCall(t, 'next-call', 'support'), Date.now())).toBe(false);
  expect(r.applied).toEqual([]);
  expect(r.timers).toEqual(['maxWait:0']);
});

test('a mark left by a DELETE that died is a lease: once it runs out the call queue takes calls again', async () => {
  const t = randomUUID();
  await withAgent(t);
  const markedAt = Date.now() - DELETING_MARK_MS - 1000;
  await callQueues.put(callQueue(t, 'billing', { deleting: new Date(markedAt).toISOString() }));
  const r = router();
  expect(await r.service.callEnqueued(t, queuedCall(t, 'c1', 'billing'), Date.now())).toBe(false);
  expect(r.applied).toEqual([]);
  // Within the lease it refuses.
  await callQueues.put(callQueue(t, 'billing', { deleting: new Date().toISOString() }));
  expect(await r.service.callEnqueued(t, queuedCall(t, 'c2', 'billing'), Date.now())).toBe(true);
  expect(r.applied.map((a) => a.callId)).toEqual(['c2']);
});

test('a call entering a call queue that is gone is disconnected, not left waiting unrouted', async () => {
  const t = randomUUID();
  const r = router();
  expect(await r.service.callEnqueued(t, queuedCall(t, 'orphan', 'vanished'), Date.now())).toBe(true);
  expect(r.applied[0].input).toMatchObject({
    kind: 'callQueueAction',
    reason: 'noAgent',
    action: { kind: 'disconnect' },
  });
});
