/**
 * The bulk provisioning queue (setting BULK_QUEUE_NAME, default `provision-requests`): one message per accepted row,
 * carrying only a reference `{tenantId, batchId, row}` — the row in `bulkRows` is the source of truth. Messages are
 * base64 text, as host.json `extensions.queues.messageEncoding` tells the Functions host to read them.
 */
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { z } from 'zod';

/** A row reference as it travels on the queue. */
export interface BulkRowRef {
  tenantId: string;
  batchId: string;
  row: number;
  /**
   * Set when the message was put back to wait for its pacing slot: the slot (ISO time) it already holds, so it is not
   * reserved a second time when the message comes back.
   */
  slotAt?: string;
}

const tenantIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
  message: 'must be a tenant id (GUID)',
});
const batchIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { message: 'must be a batch id' });
const rowSchema = z.number().int().min(1).max(1_000_000);

export const bulkRowRefSchema = z
  .object({ tenantId: tenantIdSchema, batchId: batchIdSchema, row: rowSchema, slotAt: z.iso.datetime().optional() })
  .strict();

/**
 * A run of a batch's rows, `fromRow`..`toRow`: the upload sends one of these per 100 rows, and the trigger turns each
 * into one row reference per row still Pending — so a 5,000-row upload answers after 50 queue writes, not 5,000.
 */
export interface BulkChunkRef {
  tenantId: string;
  batchId: string;
  fromRow: number;
  toRow: number;
}

export const bulkChunkRefSchema = z
  .object({ tenantId: tenantIdSchema, batchId: batchIdSchema, fromRow: rowSchema, toRow: rowSchema })
  .strict()
  .refine((c) => c.toRow >= c.fromRow, { message: 'toRow must not be before fromRow', path: ['toRow'] });

export type BulkQueueMessage = { kind: 'row'; ref: BulkRowRef } | { kind: 'chunk'; chunk: BulkChunkRef };

/** The reference in a message (a row or a chunk of rows), or why it is not one. The host hands over JSON parsed. */
export function parseQueueMessage(message: unknown): ({ ok: true } & BulkQueueMessage) | { ok: false; reason: string } {
  let value = message;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return { ok: false, reason: 'the message is not JSON' };
    }
  }
  const isChunk = typeof value === 'object' && value !== null && 'fromRow' in value;
  if (isChunk) {
    const chunk = bulkChunkRefSchema.safeParse(value);
    if (chunk.success) return { ok: true, kind: 'chunk', chunk: chunk.data };
    return { ok: false, reason: describeIssues(chunk.error.issues) };
  }
  const parsed = bulkRowRefSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeIssues(parsed.error.issues) };
  return { ok: true, kind: 'row', ref: parsed.data };
}

/** Row references only (see {@link parseQueueMessage}). */
export function parseRowRef(message: unknown): { ok: true; ref: BulkRowRef } | { ok: false; reason: string } {
  const parsed = parseQueueMessage(message);
  if (!parsed.ok) return parsed;
  if (parsed.kind !== 'row') return { ok: false, reason: 'the message is a chunk of rows, not one row' };
  return { ok: true, ref: parsed.ref };
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(message)'} ${i.message}`).join('; ');
}

const DEV_STORAGE = /^\s*UseDevelopmentStorage=true\s*;?\s*$/i;
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** `UseDevelopmentStorage=true` spelt out for Azurite's default queue port. */
function expand(connectionString: string): string {
  if (!DEV_STORAGE.test(connectionString)) return connectionString;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `QueueEndpoint=http://127.0.0.1:10001/${DEV_ACCOUNT}`,
  ].join(';');
}

export const encodeQueueMessage = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export class ProvisionRequestQueue {
  private readonly service: QueueServiceClient;
  private readonly ensured = new Map<string, Promise<unknown>>();

  constructor(
    connectionString: string,
    readonly queueName: string,
  ) {
    this.service = QueueServiceClient.fromConnectionString(expand(connectionString));
  }

  get poisonQueueName(): string {
    return `${this.queueName}-poison`;
  }

  private async queue(name: string): Promise<QueueClient> {
    const client = this.service.getQueueClient(name);
    let p = this.ensured.get(name);
    if (!p) {
      p = client.createIfNotExists().catch((e: unknown) => {
        this.ensured.delete(name);
        throw e;
      });
      this.ensured.set(name, p);
    }
    await p;
    return client;
  }

  /** Sends one reference; `visibilityTimeoutSeconds` keeps it invisible that long (pacing). */
  async send(ref: BulkRowRef | BulkChunkRef, o: { visibilityTimeoutSeconds?: number } = {}): Promise<void> {
    const client = await this.queue(this.queueName);
    const visibilityTimeout =
      o.visibilityTimeoutSeconds !== undefined
        ? Math.min(7 * 24 * 3600 - 1, Math.max(0, Math.ceil(o.visibilityTimeoutSeconds)))
        : undefined;
    await client.sendMessage(encodeQueueMessage(JSON.stringify(ref)), visibilityTimeout ? { visibilityTimeout } : {});
  }

  /** Sends many references, a few at a time. */
  async sendAll(refs: readonly (BulkRowRef | BulkChunkRef)[], concurrency = 32): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < refs.length) {
        const ref = refs[next++];
        await this.send(ref);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, refs.length) }, worker));
  }

  /** Puts a message that cannot be handled on `<queue>-poison`, text intact, for an operator to look at. */
  async poison(text: string): Promise<void> {
    const client = await this.queue(this.poisonQueueName);
    await client.sendMessage(encodeQueueMessage(text));
  }
}
