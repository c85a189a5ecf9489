// Delivery of call notifications to the bot's webhook / callbackUri. As Graph does (api-reference/v1.0/resources/
// commsnotification.md and the examples in call-*.md): `updated` notifications carry only what changed; a call's
// notifications raised together go out in one POST (value[] of several); each carries `resource` (/app/calls/…)
// and `resourceUrl`. POSTs leave in order per call, but a failed POST is retried with backoff while later ones go
// ahead — so the bot sees duplicates (a POST it took but answered badly) and reordering.
import http from 'node:http';
import https from 'node:https';
import type { SimCore } from '../core';
import { CallbackTokens } from './tokens';
import type { Operation, ResultInfo, SimCall } from './types';
import { callResource, rosterResource } from './view';

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

const MAX_PER_POST = 10;

export class Notifier {
  readonly tokens: CallbackTokens;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly core: SimCore,
    private readonly ca: string,
  ) {
    this.tokens = new CallbackTokens(core);
  }

  reset(): void {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.tokens.reset();
  }

  /** Queues one notification; it leaves with the others raised within notificationBatchMs. */
  enqueue(call: SimCall, notification: Record<string, unknown>, url?: string): void {
    const target = url ?? call.callbackUri ?? call.webhookUrl;
    const resourceUrl = String(notification.resourceUrl);
    call.pending.push({
      target,
      notification: {
        '@odata.type': '#microsoft.graph.commsNotification',
        changeType: notification.changeType,
        resource: resourceUrl.replace(/^\/communications\/calls\//, '/app/calls/'),
        ...notification,
      },
    });
    call.seq++;
    if (call.flushTimer) return;
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      call.flushTimer = undefined;
      this.flush(call);
    }, this.core.faults.notificationBatchMs);
    t.unref();
    this.retryTimers.add(t);
    call.flushTimer = t;
  }

  /** Sends what a call has pending now, without waiting for the batching window. */
  flushNow(call: SimCall): void {
    if (call.flushTimer) {
      clearTimeout(call.flushTimer);
      this.retryTimers.delete(call.flushTimer);
      call.flushTimer = undefined;
    }
    this.flush(call);
  }

  /** Everything pending leaves now, grouped into POSTs by target (in order). */
  private flush(call: SimCall): void {
    const items = call.pending.splice(0);
    while (items.length) {
      const target = items[0].target;
      const batch: Record<string, unknown>[] = [];
      while (items.length && items[0].target === target && batch.length < MAX_PER_POST)
        batch.push(items.shift()!.notification);
      const envelope = { '@odata.type': '#microsoft.graph.commsNotifications', value: batch };
      call.chain = call.chain.then(() => this.deliver(call, target, envelope, 1));
    }
  }

  /** One attempt; a failure schedules the next one and lets the call's later POSTs go ahead. */
  private async deliver(
    call: SimCall,
    target: string,
    envelope: { value: Record<string, unknown>[] },
    attempt: number,
  ): Promise<void> {
    const token = this.tokens.sign(call.tenantId, call.botAppId);
    const at = Date.now();
    const res = await postJson(target, envelope, token, this.ca);
    call.deliveries.push({
      at,
      ackMs: Date.now() - at,
      target,
      attempt,
      notifications: envelope.value.length,
      ...(res.status !== undefined ? { status: res.status } : {}),
      ...(res.error ? { error: res.error } : {}),
      body: envelope,
    });
    const stats = this.core.guard.stats;
    if (res.ok) {
      stats.notificationsSent++;
      return;
    }
    stats.notificationsFailed++;
    const f = this.core.faults;
    this.core.log(
      `notification for call ${call.id} to ${target} failed (attempt ${attempt}): ${res.error ?? res.status}`,
    );
    if (attempt >= f.notificationMaxAttempts) return;
    const delay = f.notificationRetryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      stats.notificationsRetried++;
      void this.deliver(call, target, envelope, attempt + 1);
    }, delay);
    t.unref();
    this.retryTimers.add(t);
  }

  /** `created`: the whole call resource (the incoming-call notification). */
  created(call: SimCall, url?: string): void {
    this.enqueue(
      call,
      {
        changeType: 'created',
        resourceUrl: `/communications/calls/${call.id}`,
        resourceData: callResource(this.core, call),
      },
      url,
    );
  }

  /** `updated` with only what changed, e.g. {state} or {state, resultInfo} or {toneInfo}. */
  updated(call: SimCall, changes: Record<string, unknown>, url?: string): void {
    this.enqueue(
      call,
      {
        changeType: 'updated',
        resourceUrl: `/communications/calls/${call.id}`,
        resourceData: { '@odata.type': '#microsoft.graph.call', ...changes },
      },
      url,
    );
  }

  /** The bot's leg ended: `deleted` with state terminated and resultInfo (call-delete.md). */
  deleted(call: SimCall, info: ResultInfo, extra: Record<string, unknown> = {}): void {
    this.enqueue(call, {
      changeType: 'deleted',
      resourceUrl: `/communications/calls/${call.id}`,
      resourceData: {
        '@odata.type': '#microsoft.graph.call',
        state: 'terminated',
        resultInfo: { '@odata.type': '#microsoft.graph.resultInfo', ...info },
        ...extra,
      },
    });
  }

  /** The whole roster, with mediaStreams (participant-invite.md, "roster updated"). */
  roster(call: SimCall): void {
    if (!call.botInCall || !call.callbackUri) return;
    this.enqueue(call, {
      changeType: 'updated',
      resourceUrl: `/communications/calls/${call.id}/participants`,
      resourceData: rosterResource(call),
    });
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
