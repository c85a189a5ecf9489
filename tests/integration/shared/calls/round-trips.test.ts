/**
 * How many network round trips one call costs on its way to an agent — webhook intake (enqueue), incoming call
 * (directory, call row, answer), established (enqueue into the call queue, max-wait timer, routing pass, agent claim,
 * offer, invite) — counted (shared/storage/round-trips.ts), not timed. The app's own composition root in this process
 * against Azurite and the real simulator; the notifications the simulator posts go through the webhook's intake onto a
 * `call-events` queue of this test's own, and each is handled, one at a time, by the router, as the queue trigger does.
 * A second call is measured (the first warms the process's caches: tables created, token, presence). A change that
 * adds a round trip to this path fails here: lower the figures when a change removes one.
 */
import { randomUUID } from 'node:crypto';
import { QueueServiceClient } from '@azure/storage-queue';
import { createAppRoot } from '../../../../functions/composition-root';
import { appEnvForSimulator } from '../../../../scripts/lib/app-env';
import { parseCallQueueBody } from '../../../../shared/callqueues/callqueue.schema';
import { parseCallQueueMessage } from '../../../../shared/calls/call-events.queue';
import { parseNotification } from '../../../../shared/calls/notification.parser';
import { loadConfig } from '../../../../shared/config';
import { countRoundTrips, totalRoundTrips, type RoundTripCounts } from '../../../../shared/storage/round-trips';
import { CallHarness } from '../../../support/calls-driver';
import { CONNECTION, provisionedEndpoint } from '../../../support/calls-system';

const NUMBER = '+14255550102';
const h = new CallHarness({
  number: NUMBER,
  caller: '+14255550000',
  account: { userPrincipalName: 'roundtrips@contoso.com', displayName: 'Round trips' },
  faults: { establishDelayMs: 50, defaultHandleTimeS: 30 },
});
/** Azurite's queue service (what `UseDevelopmentStorage=true` means), read outside any counted scope. */
const QUEUES =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1';
const queueName = `rt-${randomUUID().slice(0, 8)}`;
let root: ReturnType<typeof createAppRoot>;

beforeAll(async () => {
  await h.start();
  root = createAppRoot(
    loadConfig({
      AzureWebJobsStorage: CONNECTION,
      ...appEnvForSimulator(h.sim.settings),
      CALL_EVENTS_QUEUE_NAME: queueName,
    }),
  );
  await provisionedEndpoint({ tenantId: h.tenantId, accounts: { [NUMBER]: h.resourceAccountId } }, NUMBER, {
    callQueueId: 'rt',
  });
  const body = parseCallQueueBody({
    name: 'Round trips',
    routingMethod: 'longestIdle',
    agents: [1, 2, 3].map((n) => ({ userPrincipalName: `agent0${n}@contoso.com` })),
  });
  if (!body.ok) throw new Error(JSON.stringify(body.errors));
  const put = await root.callQueues.put(h.tenantId, 'rt', body.value);
  if (put.kind !== 'saved') throw new Error(`call queue not saved: ${put.kind}`);
}, 60_000);

afterAll(async () => {
  await QueueServiceClient.fromConnectionString(QUEUES)
    .getQueueClient(queueName)
    .deleteIfExists()
    .catch(() => undefined);
  await h.stop();
});

/** One counted step of a call's path: the webhook's intake of a POST, or the router's handling of a message. */
interface Step {
  what: string;
  counts: RoundTripCounts;
}

/**
 * Places a call and carries it to its offer: every POST the simulator sent is taken in by the webhook's intake, every
 * message of the queue handled by the router in order; returns the counted steps of this call until its offer was made.
 */
async function callToOffer(): Promise<Step[]> {
  const queue = QueueServiceClient.fromConnectionString(QUEUES).getQueueClient(queueName);
  const service = root.callRouting();
  let taken = h.received.length;
  const callId = await h.placeCall();
  const steps: Step[] = [];
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    for (; taken < h.received.length; taken++) {
      const r = h.received[taken];
      if (r.path !== '/calls') continue;
      const mine = r.events.some((e) => e.callId === callId);
      const { counts } = await countRoundTrips(() => root.callNotificationIntake.accept(h.tenantId, r.body, h.webhook));
      if (mine) steps.push({ what: `webhook ${r.events.map((e) => e.type).join('+')}`, counts });
    }
    const got = (await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 })).receivedMessageItems;
    for (const m of got) {
      const parsed = parseCallQueueMessage(Buffer.from(m.messageText, 'base64').toString('utf8'));
      await queue.deleteMessage(m.messageId, m.popReceipt);
      if (!parsed.ok || parsed.message.kind !== 'notification') continue;
      const message = parsed.message;
      const events = parseNotification(message.notification, { tenantId: h.tenantId }).filter(
        (e) => e.type !== 'ignored',
      );
      const { counts } = await countRoundTrips(() => service.handle(message));
      if (events.some((e) => 'callId' in e && e.callId === callId))
        steps.push({ what: `router ${events.map((e) => e.type).join('+')}`, counts });
      if ((await root.calls.get(h.tenantId, callId))?.record.offers.length) return steps;
    }
    if (got.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`call ${callId} got no offer; steps so far: ${JSON.stringify(steps)}`);
}

test('one call costs a fixed number of round trips from its notification to its offer', async () => {
  await callToOffer(); // warms the process: tables, token, JWKS, presence
  const steps = await callToOffer();
  const sum: RoundTripCounts = {};
  for (const s of steps) for (const [k, v] of Object.entries(s.counts)) sum[k] = (sum[k] ?? 0) + v;
  console.log(JSON.stringify({ steps, sum }, null, 1));
  const storage = Object.fromEntries(Object.entries(sum).filter(([k]) => /^(table|queue):/.test(k)));
  // The calls API only: a presence read depends on the cache's age (5 s), not on the path.
  const calls = Object.entries(sum).filter(([k]) => k.startsWith('graph:') && k.includes('/communications/calls'));
  expect({ total: totalRoundTrips(storage), ...storage }).toEqual({
    total: 23,
    'queue:send': 7,
    'table:read': 6,
    'table:write': 5,
    'table:batch': 3,
    'table:query': 2,
  });
  expect(Object.fromEntries(calls)).toEqual({
    'graph:POST /communications/calls/{id}/answer': 1,
    'graph:POST /communications/calls/{id}/participants/{id}/startHoldMusic': 1,
    'graph:POST /communications/calls/{id}/participants/invite': 1,
  });
}, 120_000);
