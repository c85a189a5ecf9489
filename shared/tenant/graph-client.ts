import { TokenAcquisitionError } from './gated-credential';
/**
 * The Microsoft Graph client with exactly one retry layer — ours. The default middleware chain of
 * @microsoft/microsoft-graph-client contains a RetryHandler (retries 429/503/504 with its own delays); stacking ours
 * on top would double-wait or break Retry-After, so we build the chain ourselves:
 *   AuthenticationHandler (token) → RetryMiddleware (our policy) → FetchMiddleware (one HTTP attempt: count, timeout).
 */
import type { TokenCredential } from '@azure/identity';
import { AuthenticationHandler, Client } from '@microsoft/microsoft-graph-client';
import type { AuthenticationProvider, Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { TenantPacer } from './pacing';
import { RetryEvents, RetryOptions, Sleep, ThrottleGate, executeWithRetry } from './retry';

const MICROSOFT_GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

export function isMicrosoftGraphHost(baseUrl: string): boolean {
  return MICROSOFT_GRAPH_HOSTS.has(new URL(baseUrl).hostname.toLowerCase());
}

/** Token scope for Graph: the cloud's own Graph for Microsoft hosts; the public one for stand-ins (the simulator). */
export function graphScope(baseUrl: string): string {
  return isMicrosoftGraphHost(baseUrl) ? `${new URL(baseUrl).origin}/.default` : 'https://graph.microsoft.com/.default';
}

export class CredentialAuthProvider implements AuthenticationProvider {
  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
  ) {}
  async getAccessToken(): Promise<string> {
    let token;
    try {
      token = await this.credential.getToken(this.scope);
    } catch (err) {
      throw new TokenAcquisitionError(this.scope, err);
    }
    if (!token) throw new TokenAcquisitionError(this.scope, new Error('the credential returned no token'));
    return token.token;
  }
}

class RetryMiddleware implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly options: RetryOptions,
    private readonly sleep: Sleep,
    private readonly events: RetryEvents,
    private readonly gate: ThrottleGate,
    private readonly pacer?: TenantPacer,
  ) {}
  setNext(next: Middleware): void {
    this.next = next;
  }
  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('RetryMiddleware must not be last in the chain');
    const { response } = await executeWithRetry(
      async () => {
        await next.execute(context);
        if (!context.response) throw new Error('no response');
        return context.response;
      },
      this.options,
      this.sleep,
      this.events,
      Date.now,
      this.gate,
      this.pacer
        ? () => this.pacer!.acquire('graph', batchCost(context), Number.POSITIVE_INFINITY, 'retry')
        : undefined,
    );
    context.response = response;
  }
}

class FetchMiddleware implements Middleware {
  constructor(
    private readonly timeoutMs: number,
    private readonly onRequest: () => void,
  ) {}
  async execute(context: Context): Promise<void> {
    this.onRequest();
    const init = (context.options ?? {}) as RequestInit;
    const signals = [AbortSignal.timeout(this.timeoutMs), init.signal].filter((s): s is AbortSignal => !!s);
    context.response = await fetch(context.request as string, { ...init, signal: AbortSignal.any(signals) });
  }
}

export interface GraphClientOptions {
  baseUrl: string;
  credential: TokenCredential;
  retry: RetryOptions;
  sleep: Sleep;
  events: RetryEvents;
  onRequest: () => void;
  gate: ThrottleGate;
  pacer?: TenantPacer;
}

/** What a request costs against Graph's throttling: a `$batch` counts each of its sub-requests. */
export function batchCost(context: Context): number {
  if (!/\/\$batch(\?|$)/.test(String(context.request))) return 1;
  try {
    const body = (context.options as RequestInit | undefined)?.body;
    const requests = (JSON.parse(String(body)) as { requests?: unknown[] }).requests;
    return Array.isArray(requests) && requests.length > 0 ? requests.length : 1;
  } catch {
    return 1;
  }
}

export function createGraphClient(o: GraphClientOptions): Client {
  const auth = new AuthenticationHandler(new CredentialAuthProvider(o.credential, graphScope(o.baseUrl)));
  const retry = new RetryMiddleware(o.retry, o.sleep, o.events, o.gate, o.pacer);
  const fetchHandler = new FetchMiddleware(o.retry.timeoutMs, o.onRequest);
  auth.setNext(retry);
  retry.setNext(fetchHandler);
  const host = new URL(o.baseUrl).hostname;
  return Client.initWithMiddleware({
    baseUrl: o.baseUrl,
    defaultVersion: 'v1.0',
    middleware: auth,
    // The AuthenticationHandler only attaches tokens to known Graph hosts (and strips them elsewhere).
    customHosts: isMicrosoftGraphHost(o.baseUrl) ? undefined : new Set([host]),
  });
}
