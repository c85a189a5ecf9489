/**
 * Queue trigger of bulk provisioning (queue BULK_QUEUE_NAME, default `provision-requests`). Two kinds of message:
 * - `{tenantId, batchId, fromRow, toRow}`, one per 100 rows of an upload: sends one row message per row of the chunk
 *   still Pending (so the upload itself makes few queue writes);
 * - `{tenantId, batchId, row}`, one per accepted row.
 *
 * A row message starts the row's endpoint through the endpoint service — the instance id
 * `provision:{tenantId}:{upn}` makes a redelivered message harmless — and records the row Running (or its immediate
 * end). The row's final state is recorded by the provisioning run itself.
 *
 * Poison handling:
 * - a message that is not a valid reference (not JSON, wrong fields), or that names no stored batch or row, can never
 *   succeed: it is logged and moved to `<queue>-poison` by this function at once (no retries);
 * - a failure while starting (storage, durable client) throws, so the host retries it; on the last of host.json's
 *   `maxDequeueCount` (5) attempts the row is marked Failed with the reason before the host moves the message to
 *   `<queue>-poison`, so the batch still completes with exact counts.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { bulkQueueName } from '../../shared/config';
import { parseQueueMessage } from '../../shared/bulk';
import { appRoot } from '../composition-root';

/** host.json extensions.queues.maxDequeueCount. */
const MAX_DEQUEUE_COUNT = 5;

function rawText(message: unknown): string {
  return typeof message === 'string' ? message : (JSON.stringify(message) ?? String(message));
}

function dequeueCount(context: InvocationContext): number {
  const m = context.triggerMetadata ?? {};
  const n = Number(m.dequeueCount ?? m.DequeueCount ?? 1);
  return Number.isFinite(n) ? n : 1;
}

async function poison(context: InvocationContext, message: unknown, reason: string): Promise<void> {
  const text = rawText(message);
  context.error(
    `provision-requests: message ${String(context.triggerMetadata?.id ?? '')} cannot be handled (${reason}); ` +
      `moved to ${appRoot().provisionQueue.poisonQueueName}: ${text.slice(0, 500)}`,
  );
  await appRoot().provisionQueue.poison(text);
}

df.app.client.storageQueue('provisionRequests', {
  queueName: bulkQueueName(),
  connection: 'AzureWebJobsStorage',
  handler: async (message: unknown, client: df.DurableClient, context: InvocationContext): Promise<void> => {
    const parsed = parseQueueMessage(message);
    if (!parsed.ok) return poison(context, message, `malformed: ${parsed.reason}`);
    if (parsed.kind === 'chunk') {
      const { chunk } = parsed;
      const service = appRoot().bulkQueue(client);
      try {
        const outcome = await service.expandChunk(chunk);
        if (outcome.kind === 'unknown') return poison(context, message, outcome.reason);
        context.log(`bulk ${chunk.batchId} rows ${chunk.fromRow}-${chunk.toRow}: ${outcome.rows} row messages sent`);
        return;
      } catch (err) {
        if (dequeueCount(context) >= MAX_DEQUEUE_COUNT) {
          try {
            await service.giveUpChunk(chunk, err instanceof Error ? err.message : String(err));
          } catch (recordErr) {
            context.error(`bulk ${chunk.batchId}: could not record the failure: ${String(recordErr)}`);
          }
        }
        throw err;
      }
    }
    const { ref } = parsed;
    const service = appRoot().bulkQueue(client);
    try {
      const outcome = await service.startRow(ref);
      const label = `bulk ${ref.batchId} row ${ref.row}`;
      switch (outcome.kind) {
        case 'unknown':
          return poison(context, message, outcome.reason);
        case 'skipped':
          context.log(`${label}: skipped, ${outcome.reason}`);
          return;
        case 'deferred':
          context.log(`${label}: waits ${Math.round(outcome.waitMs / 1000)} s for its start slot`);
          return;
        case 'started':
          context.log(`${label}: provisioning run ${outcome.runId}`);
          return;
        case 'finished':
          context.log(`${label}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}`);
          return;
      }
    } catch (err) {
      if (dequeueCount(context) >= MAX_DEQUEUE_COUNT) {
        const reason = err instanceof Error ? err.message : String(err);
        try {
          await service.giveUpRow(ref, reason);
        } catch (recordErr) {
          context.error(`bulk ${ref.batchId} row ${ref.row}: could not record the failure: ${String(recordErr)}`);
        }
      }
      throw err;
    }
  },
});
