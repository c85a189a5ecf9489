/**
 * Checks the configuration when the app starts, so a missing or invalid setting is named in the host's log at once
 * rather than at the first request. The app still starts (health keeps answering); API calls answer 503 until fixed.
 */
import { app } from '@azure/functions';
import { ConfigError, loadConfig } from '../shared/config';

/**
 * HTTP streaming (Functions host 4.28+, @azure/functions 4.3+): responses may stream (the real-time server-sent
 * events), and the worker reads request bodies as they arrive, so a body over a route's cap is refused after the cap's
 * worth of bytes and the rest is never read into memory (functions/lib/api-handler.ts `boundedBytes`).
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
