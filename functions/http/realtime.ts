/**
 * `GET /api/tenants/{tenantId}/realtime` (Admin; Supervisor for their call queues): the wallboard's figures now —
 * per call queue waiting, longest wait, agents by state, today's answered / abandoned / service levels; per agent
 * state and time in state (shared/reporting/realtime.ts).
 *
 * `GET …/realtime/stream`: the same as server-sent events (`text/event-stream`): an `event: snapshot` at once and
 * whenever something changes (read every {@link POLL_MS} ms, so within a second), a comment every 15 s to keep
 * proxies from closing it, and the end after {@link MAX_STREAM_MS} (EventSource reconnects by itself). Streaming
 * responses need `app.setup({ enableHttpStream: true })` (functions/startup.ts). Every instance reads the same
 * tables, so a change made by any instance is seen.
 */
import { changeKey, type RealtimeSnapshot } from '../../shared/reporting';
import { api, json } from '../lib/api-handler';
import { reportCaller } from '../lib/report-scope';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

export const POLL_MS = 500;
const KEEPALIVE_MS = 15_000;
/**
 * The @azure/functions library reads the body to its end even when the client has gone (it never cancels it), so a
 * stream ends itself after this long; an EventSource reconnects (`retry: 2000`), so a live wallboard does not notice.
 */
export const MAX_STREAM_MS = 2 * 60_000;

httpRoute('realtime', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/realtime',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const caller = await reportCaller(request);
    return json(200, await appRoot().realtime.snapshot(caller.tenantId, caller.visible, Date.now()));
  }),
});

httpRoute('realtimeStream', {
  access: 'supervisorFiltered',
  route: 'tenants/{tenantId}/realtime/stream',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, context) => {
    const caller = await reportCaller(request);
    const realtime = appRoot().realtime;
    const read = () => realtime.snapshot(caller.tenantId, caller.visible, Date.now());
    const first = await read();
    const encoder = new TextEncoder();
    const started = Date.now();
    let lastKey = changeKey(first);
    let lastSent = started;
    let seq = 0;
    let closed = false;
    const event = (s: RealtimeSnapshot) =>
      encoder.encode(`id: ${++seq}\nevent: snapshot\ndata: ${JSON.stringify(s)}\n\n`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        controller.enqueue(event(first));
      },
      // Called whenever the client can take more: wait until there is something to send.
      async pull(controller) {
        for (;;) {
          await new Promise((r) => setTimeout(r, POLL_MS));
          if (closed) return;
          if (Date.now() - started > MAX_STREAM_MS) {
            closed = true;
            controller.close();
            return;
          }
          let snapshot: RealtimeSnapshot;
          try {
            snapshot = await read();
          } catch (e) {
            // A failed read is skipped (the next one will tell); the stream stays open.
            context.warn(`realtime stream: read failed: ${(e as Error).message}`);
            continue;
          }
          const key = changeKey(snapshot);
          if (key !== lastKey) {
            lastKey = key;
            lastSent = Date.now();
            controller.enqueue(event(snapshot));
            return;
          }
          if (Date.now() - lastSent >= KEEPALIVE_MS) {
            lastSent = Date.now();
            controller.enqueue(encoder.encode(': keepalive\n\n'));
            return;
          }
        }
      },
      cancel() {
        closed = true;
      },
    });
    return {
      status: 200,
      body,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    };
  }),
});
