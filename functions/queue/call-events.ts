/**
 * Queue trigger of the call router (storage queue CALL_EVENTS_QUEUE_NAME, default `call-events`): one message is a
 * Graph notification from the webhook or one of the router's delayed timers (offer expiry, wait deadlines). The
 * call routing service applies it; a failure throws, so the host retries (every transition is idempotent) and after
 * host.json's maxDequeueCount moves it to `<queue>-poison`. A message that can never be read is logged and dropped.
 */
import { app, type InvocationContext } from '@azure/functions';
import { callEventsQueueName } from '../../shared/config';
import { parseCallQueueMessage } from '../../shared/calls';
import { appRoot } from '../composition-root';

/** How many times the host has handed this message over (a redelivery is > 1). */
function dequeueCount(context: InvocationContext): number {
  const m = context.triggerMetadata ?? {};
  const n = Number(m.dequeueCount ?? m.DequeueCount ?? 1);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

app.storageQueue('callEvents', {
  queueName: callEventsQueueName(),
  connection: 'AzureWebJobsStorage',
  handler: async (message: unknown, context: InvocationContext): Promise<void> => {
    const parsed = parseCallQueueMessage(message);
    if (!parsed.ok) {
      context.error(`call-events: message ${String(context.triggerMetadata?.id ?? '')} dropped: ${parsed.reason}`);
      return;
    }
    const outcome = await appRoot()
      .callRouting((line) => context.log(line))
      .handle(parsed.message, { dequeueCount: dequeueCount(context) });
    if (outcome.kind === 'malformed') context.error(`call-events: message dropped: ${outcome.reason}`);
  },
});
