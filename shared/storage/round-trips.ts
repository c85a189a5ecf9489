/**
 * Counts the network round trips a piece of work makes — storage (tables, queues, blobs) and everything else (Graph)
 * — so that a test can pin how many one call's path costs and a regression that adds one fails (a count, not a
 * time). It listens on Node's diagnostics channels (`http.client.request.start` for the storage SDKs' node:http,
 * `undici:request:create` for fetch, which the Graph client uses) and charges each request to the {@link countRoundTrips}
 * scope it was made in (AsyncLocalStorage), so work running at the same time in other scopes is not counted. Nothing is
 * counted, and nothing listens, until a scope is opened.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';

/** One kind of round trip: `table:read` (one entity), `table:query`, `table:write`, `table:batch`, `queue:send`, … */
export type RoundTripKind = string;

export type RoundTripCounts = Record<RoundTripKind, number>;

const scope = new AsyncLocalStorage<RoundTripCounts>();
let listening = false;

/** Azurite's and Azure Storage's services by port or host: 10000/blob, 10001/queue, 10002/table. */
function service(host: string, port: string): 'table' | 'queue' | 'blob' | undefined {
  if (port === '10002' || /\.table\.core\./.test(host)) return 'table';
  if (port === '10001' || /\.queue\.core\./.test(host)) return 'queue';
  if (port === '10000' || /\.blob\.core\./.test(host)) return 'blob';
  return undefined;
}

/** What one request is, from its method, host, port and path (query string included). */
export function classifyRoundTrip(method: string, host: string, port: string, path: string): RoundTripKind {
  const m = method.toUpperCase();
  const s = service(host, port);
  const p = path.split('?')[0];
  if (s === 'table') {
    if (/\$batch$/.test(p)) return 'table:batch';
    if (m === 'GET')
      return /\(PartitionKey='.*',RowKey='.*'\)$/.test(decodeURIComponent(p)) ? 'table:read' : 'table:query';
    if (m === 'POST' && /\/Tables$/.test(p)) return 'table:create';
    return 'table:write';
  }
  if (s === 'queue') {
    if (m === 'POST') return 'queue:send';
    if (m === 'GET') return 'queue:receive';
    if (m === 'DELETE') return 'queue:delete';
    return 'queue:other';
  }
  if (s === 'blob') return 'blob';
  // Graph (or the simulator standing in for it): the path after the version, ids dropped.
  const graph = p.replace(/^\/(v1\.0|beta)/, '').replace(/\/[0-9a-f-]{36}/gi, '/{id}');
  if (/\/oauth2\//.test(p) || /\/\.well-known\//.test(p)) return 'token';
  return `graph:${m} ${graph}`;
}

function count(kind: RoundTripKind): void {
  const counts = scope.getStore();
  if (counts) counts[kind] = (counts[kind] ?? 0) + 1;
}

function listen(): void {
  if (listening) return;
  listening = true;
  diagnostics.subscribe('http.client.request.start', (message) => {
    const req = (message as { request: { method: string; host: string; path: string; getHeader(n: string): unknown } })
      .request;
    const hostHeader = String(req.getHeader('host') ?? req.host);
    const port = /:(\d+)$/.exec(hostHeader)?.[1] ?? '';
    count(classifyRoundTrip(req.method, req.host, port, req.path));
  });
  diagnostics.subscribe('undici:request:create', (message) => {
    const req = (message as { request: { method: string; origin: string; path: string } }).request;
    const url = new URL(req.origin);
    count(classifyRoundTrip(req.method, url.hostname, url.port, req.path));
  });
}

/** Runs `work`, counting the round trips made in it (and in everything it starts). */
export async function countRoundTrips<T>(work: () => Promise<T>): Promise<{ result: T; counts: RoundTripCounts }> {
  listen();
  const counts: RoundTripCounts = {};
  const result = await scope.run(counts, work);
  return { result, counts };
}

/** The sum of some counts (all of them by default, or those whose kind starts with one of `prefixes`). */
export function totalRoundTrips(counts: RoundTripCounts, prefixes: readonly string[] = ['']): number {
  return Object.entries(counts)
    .filter(([k]) => prefixes.some((p) => k.startsWith(p)))
    .reduce((n, [, v]) => n + v, 0);
}
