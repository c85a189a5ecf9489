/**
 * Queue trigger of presence notifications (storage queue PRESENCE_EVENTS_QUEUE_NAME, default
 * `<CALL_EVENTS_QUEUE_NAME>-presence`): a notified agent's presence is read and the call queues they serve routed; a
 * lifecycle notification resyncs, renews or recreates its subscription (shared/presence). A failure throws, so the
 * host retries (the handling is idempotent); a message that can never be read is logged and dropped.
 */
import { app, type InvocationContext } from '@azure/functions';
import { presenceEventsQueueName } from '../../shared/config';
import { parsePresenceEventMessage } from '../../shared/presence';
import { appRoot } from '../composition-root';

app.storageQueue('presenceEvents', {
  queueName: presenceEventsQueueName(),
  connection: 'AzureWebJobsStorage',
  handler: async (message: unknown, context: InvocationContext): Promise<void> => {
    const parsed = parsePresenceEventMessage(message);
    if (!parsed.ok) {
      context.error(`presence-events: message ${String(context.triggerMetadata?.id ?? '')} dropped: ${parsed.reason}`);
      return;
    }
    await appRoot()
      .presenceNotificationsFor((line) => context.log(line))
      .handle(parsed.message);
  },
});
