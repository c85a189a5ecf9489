// Delivery of call notifications to the bot's webhook / callbackUri, one call's notifications strictly in order.
import http from 'node:http';
import https from 'node:https';

export interface DeliveryResult {
  ok: boolean;
  status?: number;
  error?: string;
}

/** POSTs a JSON body with a bearer token; resolves (never rejects) with the outcome. */
export function postJson(
  url: string,
  body: unknown,
  token: string,
  ca: string,
  timeoutMs = 10000,
): Promise<DeliveryResult> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ ok: false, error: `bad url ${url}` });
      return;
    }
    const payload = Buffer.from(JSON.stringify(body));
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(payload.length),
          authorization: `Bearer ${token}`,
          'user-agent': 'Microsoft-Skype/3.0 (switchboard-simulator)',
        },
        timeout: timeoutMs,
        ...(u.protocol === 'https:' ? { ca } : {}),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ok: (res.statusCode ?? 500) < 300, status: res.statusCode }));
        res.on('error', (e) => resolve({ ok: false, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ ok: false, error: e.message }));
    req.end(payload);
  });
}
