/**
 * Checks the configuration when the app starts, so a missing or invalid setting is named in the host's log at once
 * rather than at the first request. The app still starts (health keeps answering); API calls answer 503 until fixed.
 */
import { app } from '@azure/functions';
import { ConfigError, loadConfig } from '../shared/config';

// Responses may stream (the real-time server-sent events); the host then forwards raw HTTP to the library's proxy.
app.setup({ enableHttpStream: true });

app.hook.appStart(() => {
  try {
    loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Switchboard is not configured: ${err.message}`);
  }
});
