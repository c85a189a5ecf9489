/**
 * Queue trigger of the reporting feed (storage queue REPORTING_QUEUE_NAME, default `<CALL_EVENTS_QUEUE_NAME>-reporting`):
 * an ended call or an agent's closed state spans, turned into a contact record and aggregates exactly once
 * (shared/reporting/reporting-feed.ts). A failure throws, so the host retries (everything is deduped); a message that
 * can never be read is logged and dropped.
 */
import { app, type InvocationContext } from '@azure/functions';
import { reportingQueueName } from '../../shared/config';
import { parseReportingFeedMessage } from '../../shared/reporting';
import { appRoot } from '../composition-root';

app.storageQueue('reportingFeed', {
  queueName: reportingQueueName(),
  connection: 'AzureWebJobsStorage',
  handler: async (message: unknown, context: InvocationContext): Promise<void> => {
    const parsed = parseReportingFeedMessage(message);
    if (!parsed.ok) {
      context.error(`reporting: message ${String(context.triggerMetadata?.id ?? '')} dropped: ${parsed.reason}`);
      return;
    }
    await appRoot()
      .reportingFeed((line) => context.log(line))
      .handle(parsed.message);
  },
});
