/** Helpers for end-to-end tests of bulk import against a started {@link System}. */
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { defaultSeedTenant, type SeedFile, type SeedNumber } from '../../simulator/seed';
import type { System } from '../../scripts/lib/system';
import { provisionInstanceId } from '../../orchestrations/provisioning/instance-ids';
import type { BulkStatusView, BulkSubmitView } from '../../shared/domain';

export const BULK_HEADER = 'userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId';

/** A number already on a seeded resource account (someone else's), for the "assigned elsewhere" rejection. */
export const ASSIGNED_ELSEWHERE = '+14255550150';

/** 400 extra service numbers (+1 425 556 0000…) for bulk rows. */
export function bulkNumbers(count = 400): string[] {
  return Array.from({ length: count }, (_, i) => `+1425556${String(i).padStart(4, '0')}`);
}

/**
 * The default tenant with a Teams Phone estate large enough for bulk tests: MCOEV 3000 (a resource account pool of
 * 325), 400 extra calling-plan service numbers, and one resource account that already holds {@link ASSIGNED_ELSEWHERE}.
 */
export function bulkSeed(): SeedFile {
  const base = defaultSeedTenant();
  const extra: SeedNumber[] = bulkNumbers().map((telephoneNumber) => ({
    telephoneNumber,
    numberType: 'callingPlan',
    city: 'Redmond',
    isoCountryCode: 'US',
    capabilities: ['voiceApplicationAssignment', 'conferenceAssignment'],
  }));
  return {
    tenants: [
      {
        ...base,
        skus: { ...base.skus, MCOEV: 3000 },
        numbers: [...(base.numbers ?? []), ...extra],
        applicationInstances: [
          {
            userPrincipalName: 'existing-ra@contoso.com',
            displayName: 'Existing resource account',
            licensed: true,
            usageLocation: 'US',
            phoneNumber: ASSIGNED_ELSEWHERE,
          },
        ],
      },
    ],
  };
}

export type BatchView = BulkStatusView;
export type SubmitReply = BulkSubmitView;

export async function postBulk(
  system: System,
  token: string,
  body: string,
  o: { contentType?: string; idempotencyKey?: string; tenantId?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'content-type': o.contentType ?? 'text/csv',
  };
  if (o.idempotencyKey) headers['idempotency-key'] = o.idempotencyKey;
  return fetch(`${system.origin}/api/tenants/${o.tenantId ?? system.simulator.tenantId}/bulk`, {
    method: 'POST',
    headers,
    body,
  });
}

export async function getBatch(system: System, token: string, batchId: string, query = ''): Promise<BatchView> {
  const res = await system.api('GET', `/api/tenants/${system.simulator.tenantId}/bulk/${batchId}${query}`, { token });
  if (res.status !== 200) throw new Error(`GET batch ${batchId} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as BatchView;
}

/** Polls the batch until no row is Pending or Running. */
export async function waitForBatch(
  system: System,
  token: string,
  batchId: string,
  timeoutMs = 240_000,
  until: (b: BatchView) => boolean = (b) => b.pending + b.running === 0,
): Promise<BatchView> {
  const deadline = Date.now() + timeoutMs;
  let last: BatchView | undefined;
  while (Date.now() < deadline) {
    last = await getBatch(system, token, batchId);
    if (until(last)) return last;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(
    `batch ${batchId} did not get there in ${timeoutMs} ms; last: ${JSON.stringify(last)}\n` +
      (await unfinishedRows(system, token, batchId)),
  );
}

/**
 * For a batch that did not finish: each row still Pending or Running, its endpoint as the API shows it, and its
 * provisioning instance as the Durable runtime does (status, customStatus, the last history events) — what it takes
 * to tell a stuck chain from a slow one.
 */
async function unfinishedRows(system: System, token: string, batchId: string): Promise<string> {
  try {
    const rows = (await getBatch(system, token, batchId, '?rows=true')).rows ?? [];
    const lines: string[] = [];
    for (const row of rows.filter((r) => r.status === 'Pending' || r.status === 'Running')) {
      const upn = (row.userPrincipalName ?? '').toLowerCase();
      const endpoint = await system.api(
        'GET',
        `/api/tenants/${system.simulator.tenantId}/endpoints/${encodeURIComponent(upn)}`,
        { token },
      );
      const instanceId = provisionInstanceId(system.simulator.tenantId, upn);
      const durable = await fetch(
        `${system.origin}/runtime/webhooks/durabletask/instances/${encodeURIComponent(instanceId)}?showHistory=true`,
      );
      const status = (await durable.json().catch(() => ({}))) as { history?: unknown[] };
      lines.push(
        `row ${row.row} ${JSON.stringify(row)}\n  endpoint ${endpoint.status}: ${await endpoint.text()}\n` +
          `  instance ${durable.status}: ${JSON.stringify({ ...status, history: status.history?.slice(-8) })}`,
      );
    }
    return lines.join('\n');
  } catch (err) {
    return `(could not describe the unfinished rows: ${String(err)})`;
  }
}

/** A client for one of the system's queues on the shared Azurite. */
export function queueClient(name: string): QueueClient {
  return QueueServiceClient.fromConnectionString('UseDevelopmentStorage=true').getQueueClient(name);
}

export const bulkQueueOf = (system: System) => system.env.BULK_QUEUE_NAME;

/** Sends text as the host expects it (base64). */
export async function sendRaw(queue: QueueClient, text: string): Promise<void> {
  await queue.createIfNotExists();
  await queue.sendMessage(Buffer.from(text, 'utf8').toString('base64'));
}

/** Waits until the queue holds no message (visible or in flight). */
export async function waitForEmptyQueue(queue: QueueClient, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const p = await queue.getProperties();
    if ((p.approximateMessagesCount ?? 0) === 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`queue ${queue.name} did not drain in ${timeoutMs} ms`);
}

/** Waits until the queue holds exactly `count` messages. */
export async function waitForQueueCount(queue: QueueClient, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  while (Date.now() < deadline) {
    last = (await queue.getProperties()).approximateMessagesCount ?? 0;
    if (last === count) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`queue ${queue.name} holds ${last} messages, not ${count}`);
}

/** The decoded texts of the messages on a queue (peek: at most 32). */
export async function peekTexts(queue: QueueClient): Promise<string[]> {
  if (!(await queue.exists())) return [];
  const peeked = await queue.peekMessages({ numberOfMessages: 32 });
  return peeked.peekedMessageItems.map((m) => Buffer.from(m.messageText, 'base64').toString('utf8'));
}
