/**
 * Checks the configuration when the app starts, so a missing or invalid setting is named in the host's log at once
 * rather than at the first request. The app still starts (health keeps answering); API calls answer 503 until fixed.
 */
import { app } from '@azure/functions';
import { ConfigError, loadConfig } from '../shared/config';

/**
 * HTTP streaming (Functions host 4.28+, @azure/functions 4.3+): the worker reads request bodies from the host as they
 * arrive instead of receiving them whole, so a body over a route's cap is refused after the cap's worth of bytes and
 * the rest is never read into memory (issue 17 item 7; functions/lib/api-handler.ts `boundedBytes`).
 */
app.setup({ enableHttpStream: true });

app.hook.appStart(() => {
  try {
    loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Switchboard is not configured: ${err.message}`);
  }
});
