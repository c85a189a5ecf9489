// Delivery of call notifications to the bot's webhook / callbackUri, one call's notifications strictly in order.
import http from 'node:http';
import https from 'node:https';
import type { SimCore } from '../core';
import { signJwt } from '../jwt';
import { BOT_ISSUER } from '../model';
import type { Operation, ResultInfo, SimCall } from './types';
import { callResource } from './view';

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

/** Builds, signs and queues one call's commsNotifications; each call's POSTs go out in order. */
export class Notifier {
  constructor(
    private readonly core: SimCore,
    private readonly ca: string,
  ) {}

  private botToken(call: SimCall): string {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(this.core.botKey, {
      iss: BOT_ISSUER,
      aud: call.botAppId,
      tid: call.tenantId,
      serviceurl: `${this.core.baseUrl}/`,
      iat: now,
      nbf: now - 5,
      exp: now + 3600,
    });
  }

  enqueue(call: SimCall, notification: Record<string, unknown>, url?: string): void {
    const target = url ?? call.callbackUri ?? call.webhookUrl;
    const envelope = {
      '@odata.type': '#microsoft.graph.commsNotifications',
      value: [{ '@odata.type': '#microsoft.graph.commsNotification', ...notification }],
    };
    const token = this.botToken(call);
    call.seq++;
    call.chain = call.chain.then(async () => {
      const res = await postJson(target, envelope, token, this.ca);
      if (res.ok) this.core.guard.stats.notificationsSent++;
      else {
        this.core.guard.stats.notificationsFailed++;
        this.core.log(`notification for call ${call.id} to ${target} failed: ${res.error ?? res.status}`);
      }
    });
  }

  state(call: SimCall, changeType = 'updated', extra: Record<string, unknown> = {}, url?: string): void {
    this.enqueue(
      call,
      {
        changeType,
        resourceUrl: `/communications/calls/${call.id}`,
        resourceData: callResource(this.core, call, extra),
      },
      url,
    );
  }

  operation(
    call: SimCall,
    op: Operation,
    status: 'completed' | 'failed',
    resultInfo: ResultInfo,
    extra: Record<string, unknown> = {},
  ): void {
    call.ops.delete(op.id);
    if (!call.callbackUri || !call.botInCall) return;
    this.enqueue(call, {
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${call.id}/operations/${op.id}`,
      resourceData: {
        '@odata.type': `#microsoft.graph.${op.type}`,
        id: op.id,
        status,
        clientContext: op.clientContext,
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...resultInfo },
        ...extra,
      },
    });
  }
}
