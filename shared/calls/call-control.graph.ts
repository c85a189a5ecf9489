/**
 * CallControl over the Microsoft Graph calls API (`/communications/calls`) with the bot app's credential: client
 * credentials for BOT_APP_ID / BOT_CLIENT_SECRET at AUTHORITY_HOST, scope `https://graph.microsoft.com/.default`
 * (graphScope: the cloud's own Graph for Microsoft hosts). Built from the tenant infrastructure provisioning uses —
 * the throttle-aware credential (GatedCredential), the Graph client with exactly one retry layer (Retry-After honoured
 * exactly, backoff otherwise, one probe after a throttle) and the per-tenant ThrottleGate — so the calls API is
 * throttled the way provisioning is. Request bodies follow Microsoft's API reference
 * (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/*.md named on each method).
 */
import type { TokenCredential } from '@azure/identity';
import { ClientSecretCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { AppConfig } from '../config';
import { isMicrosoftAuthority } from '../tenant/credentials';
import { GatedCredential, TokenAcquisitionError, throttleAwareCredentialOptions } from '../tenant/gated-credential';
import { CredentialAuthProvider, createGraphClient, graphScope } from '../tenant/graph-client';
import {
  RetryEvents,
  RetryOptions,
  Sleep,
  ThrottleGate,
  parseRetryAfter,
  realSleep,
  retryOptions,
} from '../tenant/retry';
import {
  CallControl,
  CallControlError,
  CallControlErrorKind,
  CallControlFactory,
  CallGoneError,
  CallTarget,
  CommsOperation,
  GRAPH_CALL_CODES,
  InviteParticipant,
  RecordingStatus,
  RedirectRoutingPolicy,
  RejectReason,
} from './call-control.port';

type BotSettings = Pick<AppConfig, 'graphBaseUrl' | 'authorityHost' | 'bot'>;

/** The bot's credential in one customer tenant, throttle-aware like the provisioning credential. */
export function createBotCredential(
  config: Pick<AppConfig, 'authorityHost' | 'bot'>,
  tenantId: string,
): TokenCredential {
  if (!config.bot.clientSecret) throw new Error('BOT_CLIENT_SECRET is not set');
  const gate = new ThrottleGate();
  const inner = new ClientSecretCredential(tenantId, config.bot.appId, config.bot.clientSecret, {
    authorityHost: config.authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthority(config.authorityHost),
    ...throttleAwareCredentialOptions(gate),
  });
  return new GatedCredential(inner, gate);
}

export interface GraphCallControlOptions {
  retry?: Partial<RetryOptions>;
  sleep?: Sleep;
  events?: RetryEvents;
  /** Defaults to {@link createBotCredential}. */
  credential?: (tenantId: string) => TokenCredential;
}

/** One CallControl per tenant, each with its own credential and throttle gate, for the life of the process. */
export class GraphCallControlFactory implements CallControlFactory {
  private readonly byTenant = new Map<string, GraphCallControl>();
  constructor(
    private readonly config: BotSettings,
    private readonly options: GraphCallControlOptions = {},
  ) {}

  forTenant(tenantId: string): GraphCallControl {
    const key = tenantId.toLowerCase();
    let cc = this.byTenant.get(key);
    if (!cc) {
      const credential = this.options.credential?.(key) ?? createBotCredential(this.config, key);
      cc = new GraphCallControl({ ...this.options, tenantId: key, graphBaseUrl: this.config.graphBaseUrl, credential });
      this.byTenant.set(key, cc);
    }
    return cc;
  }
}

interface Raw {
  status: number;
  headers: Headers;
  text: string;
}

export class GraphCallControl implements CallControl {
  readonly tenantId: string;
  private readonly client: Client;
  private readonly auth: CredentialAuthProvider;
  private readonly retry: RetryOptions;
  private readonly gate = new ThrottleGate();
  private requests = 0;

  constructor(o: {
    tenantId: string;
    graphBaseUrl: string;
    credential: TokenCredential;
    retry?: Partial<RetryOptions>;
    sleep?: Sleep;
    events?: RetryEvents;
  }) {
    this.tenantId = o.tenantId;
    this.retry = retryOptions(o.retry);
    this.client = createGraphClient({
      baseUrl: o.graphBaseUrl,
      credential: o.credential,
      retry: this.retry,
      sleep: o.sleep ?? realSleep,
      events: o.events ?? {},
      onRequest: () => {
        this.requests++;
      },
      gate: this.gate,
    });
    this.auth = new CredentialAuthProvider(o.credential, graphScope(o.graphBaseUrl));
  }

  /** HTTP requests sent (retries included). */
  get requestCount(): number {
    return this.requests;
  }

  async answer(callId: string, o: { callbackUri: string; preFetchMediaUris?: string[] }): Promise<void> {
    // api/call-answer.md: acceptedModalities and mediaConfig are required; service-hosted media (no media bot).
    const mediaConfig: Record<string, unknown> = { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' };
    if (o.preFetchMediaUris?.length)
      mediaConfig.preFetchMedia = o.preFetchMediaUris.map((uri) => ({ uri, resourceId: resourceIdFor(uri) }));
    await this.post(callId, '/answer', { callbackUri: o.callbackUri, acceptedModalities: ['audio'], mediaConfig });
  }

  async reject(callId: string, reason: RejectReason, callbackUri?: string): Promise<void> {
    // api/call-reject.md: reason none | busy | forbidden.
    await this.post(callId, '/reject', { reason, ...(callbackUri ? { callbackUri } : {}) });
  }

  async redirect(
    callId: string,
    o: { targets: CallTarget[]; timeoutS?: number; callbackUri?: string; routingPolicies?: RedirectRoutingPolicy[] },
  ): Promise<void> {
    // api/call-redirect.md: targets (invitationParticipantInfo), timeout in seconds 15–90, routingPolicies
    // (example 2: disableForwarding).
    if (o.targets.length < 1 || o.targets.length > 25) throw badInput('redirect', 'targets: 1 to 25 targets');
    if (o.timeoutS !== undefined && (o.timeoutS < 15 || o.timeoutS > 90))
      throw badInput('redirect', 'timeout: 15 to 90 seconds');
    await this.post(callId, '/redirect', {
      targets: o.targets.map(invitation),
      ...(o.timeoutS !== undefined ? { timeout: o.timeoutS } : {}),
      ...(o.routingPolicies?.length ? { routingPolicies: o.routingPolicies } : {}),
      ...(o.callbackUri ? { callbackUri: o.callbackUri } : {}),
    });
  }

  async transfer(
    callId: string,
    o: { target: CallTarget; transfereeParticipantId?: string; clientContext?: string },
  ): Promise<void> {
    // api/call-transfer.md: transferTarget; transferee only from a group call; clientContext (PSTN example).
    await this.post(callId, '/transfer', {
      transferTarget: invitation(o.target),
      ...(o.transfereeParticipantId
        ? {
            transferee: {
              '@odata.type': '#microsoft.graph.participantInfo',
              participantId: o.transfereeParticipantId,
            },
          }
        : {}),
      ...(o.clientContext ? { clientContext: o.clientContext } : {}),
    });
  }

  async playPrompt(callId: string, o: { promptUris: string[]; clientContext: string }): Promise<CommsOperation> {
    // api/call-playprompt.md: prompts (mediaPrompt with mediaInfo{uri, resourceId}), at most 20.
    if (o.promptUris.length < 1 || o.promptUris.length > 20) throw badInput('playPrompt', 'prompts: 1 to 20 prompts');
    return this.operation(callId, '/playPrompt', {
      clientContext: o.clientContext,
      prompts: o.promptUris.map(mediaPrompt),
    });
  }

  subscribeToTone(callId: string, clientContext?: string): Promise<CommsOperation> {
    // api/call-subscribetotone.md
    return this.operation(callId, '/subscribeToTone', context(clientContext));
  }

  cancelMediaProcessing(callId: string, clientContext?: string): Promise<CommsOperation> {
    // api/call-cancelmediaprocessing.md
    return this.operation(callId, '/cancelMediaProcessing', context(clientContext));
  }

  startHoldMusic(
    callId: string,
    participantId: string,
    o: { customPromptUri?: string; clientContext?: string } = {},
  ): Promise<CommsOperation> {
    // api/participant-startholdmusic.md: 202 + startHoldMusicOperation; completion by notification.
    return this.operation(callId, `/participants/${enc(participantId)}/startHoldMusic`, {
      ...(o.customPromptUri ? { customPrompt: mediaPrompt(o.customPromptUri) } : {}),
      ...context(o.clientContext),
    });
  }

  stopHoldMusic(callId: string, participantId: string, clientContext?: string): Promise<CommsOperation> {
    // api/participant-stopholdmusic.md
    return this.operation(callId, `/participants/${enc(participantId)}/stopHoldMusic`, context(clientContext));
  }

  invite(callId: string, o: { participants: InviteParticipant[]; clientContext?: string }): Promise<CommsOperation> {
    // api/participant-invite.md: ≤ 5 invitationParticipantInfo (hidden, removeFromDefaultAudioRoutingGroup,
    // replacesCallId are properties of resources/invitationparticipantinfo.md).
    if (o.participants.length < 1 || o.participants.length > 5)
      throw badInput('participants/invite', 'participants: 1 to 5 participants');
    return this.operation(callId, '/participants/invite', {
      participants: o.participants.map((p) => ({
        ...invitation(p.target),
        ...(p.hidden !== undefined ? { hidden: p.hidden } : {}),
        ...(p.removeFromDefaultAudioRoutingGroup !== undefined
          ? { removeFromDefaultAudioRoutingGroup: p.removeFromDefaultAudioRoutingGroup }
          : {}),
        ...(p.replacesCallId ? { replacesCallId: p.replacesCallId } : {}),
        ...(p.participantId ? { participantId: p.participantId } : {}),
      })),
      ...context(o.clientContext),
    });
  }

  async removeParticipant(callId: string, participantId: string): Promise<'removed' | 'gone'> {
    // api/participant-delete.md: 204.
    return (await this.goneAware('DELETE', `${callPath(callId)}/participants/${enc(participantId)}`))
      ? 'removed'
      : 'gone';
  }

  muteParticipant(callId: string, participantId: string, clientContext?: string): Promise<CommsOperation> {
    // api/participant-mute.md
    return this.operation(callId, `/participants/${enc(participantId)}/mute`, context(clientContext));
  }

  async hangUp(callId: string): Promise<'ended' | 'gone'> {
    // api/call-delete.md: DELETE → 204; a call already gone answers 404.
    return (await this.goneAware('DELETE', callPath(callId))) ? 'ended' : 'gone';
  }

  async keepAlive(callId: string): Promise<'alive' | 'gone'> {
    // api/call-keepalive.md: no request body; 200; 404 when the call has ended.
    return (await this.goneAware('POST', `${callPath(callId)}/keepAlive`)) ? 'alive' : 'gone';
  }

  updateRecordingStatus(callId: string, status: RecordingStatus, clientContext?: string): Promise<CommsOperation> {
    // api/call-updaterecordingstatus.md: {clientContext, status}.
    return this.operation(callId, '/updateRecordingStatus', { status, ...context(clientContext) });
  }

  async createCall(o: {
    sourceApplicationInstanceId: string;
    target: CallTarget;
    callbackUri: string;
    clientContext?: string;
  }): Promise<{ callId: string; state?: string }> {
    // api/application-post-calls.md ("Create peer-to-peer PSTN call with service hosted media"): source
    // applicationInstance (a resource account with a number), tenantId, requestedModalities, mediaConfig.
    const r = await this.send('POST', '/communications/calls', {
      '@odata.type': '#microsoft.graph.call',
      callbackUri: o.callbackUri,
      source: {
        '@odata.type': '#microsoft.graph.participantInfo',
        identity: {
          '@odata.type': '#microsoft.graph.identitySet',
          applicationInstance: { '@odata.type': '#microsoft.graph.identity', id: o.sourceApplicationInstanceId },
        },
      },
      targets: [invitation(o.target)],
      requestedModalities: ['audio'],
      mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
      tenantId: this.tenantId,
      ...context(o.clientContext),
    });
    const body = parseJson(r.text) as { id?: unknown; state?: unknown };
    const callId = typeof body.id === 'string' ? body.id : idFromLocation(r.headers.get('location'));
    if (!callId)
      throw new CallControlError({
        kind: 'retryable',
        operation: 'POST /communications/calls',
        status: r.status,
        message: 'POST /communications/calls answered without a call id',
      });
    return { callId, state: typeof body.state === 'string' ? body.state : undefined };
  }

  // ---- transport ---------------------------------------------------------------------------------------------

  private async post(callId: string, action: string, body: unknown): Promise<Raw> {
    return this.send('POST', `${callPath(callId)}${action}`, body);
  }

  /** An action answered with a commsOperation (200 with body, or 202 with or without one). */
  private async operation(callId: string, action: string, body: unknown): Promise<CommsOperation> {
    const r = await this.post(callId, action, body);
    const o = parseJson(r.text) as Record<string, unknown>;
    const info = o.resultInfo as { code?: unknown; subcode?: unknown; message?: unknown } | null | undefined;
    return {
      id: typeof o.id === 'string' ? o.id : idFromLocation(r.headers.get('location')),
      type: typeof o['@odata.type'] === 'string' ? o['@odata.type'].replace(/^#?microsoft\.graph\./, '') : undefined,
      status: typeof o.status === 'string' ? o.status : r.status === 202 ? 'running' : 'completed',
      clientContext: typeof o.clientContext === 'string' ? o.clientContext : undefined,
      resultInfo:
        info && typeof info.code === 'number'
          ? {
              code: info.code,
              subcode: typeof info.subcode === 'number' ? info.subcode : undefined,
              message: typeof info.message === 'string' ? info.message : undefined,
            }
          : undefined,
    };
  }

  /** true = done, false = the call (or participant) is gone (404 / 8522). */
  private async goneAware(method: 'POST' | 'DELETE', path: string): Promise<boolean> {
    try {
      await this.send(method, path, undefined);
      return true;
    } catch (e) {
      if (e instanceof CallGoneError) return false;
      throw e;
    }
  }

  private async send(method: 'POST' | 'DELETE', path: string, body: unknown): Promise<Raw> {
    const operation = `${method} ${path}`;
    const wait = this.gate.remainingMs(Date.now());
    if (wait > this.retry.maxWaitMs)
      throw new CallControlError({
        kind: 'throttled',
        operation,
        status: 429,
        retryAfterMs: wait,
        message: `${operation} not sent: Graph asked us to wait ${Math.ceil(wait / 1000)} s (Retry-After)`,
      });
    try {
      await this.auth.getAccessToken();
    } catch (e) {
      if (e instanceof TokenAcquisitionError) {
        const transient = e.transient;
        throw new CallControlError({
          kind: transient ? 'throttled' : 'forbidden',
          operation,
          retryAfterMs: transient?.retryAfterMs,
          message: `${operation} not sent: ${e.message}`,
          cause: e,
        });
      }
      throw e;
    }
    const request = this.client.api(path).responseType(ResponseType.RAW);
    let response: Response;
    try {
      response = (method === 'POST' ? await request.post(body) : await request.delete()) as Response;
    } catch (e) {
      throw new CallControlError({
        kind: 'retryable',
        operation,
        message: `${operation} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
        cause: e,
      });
    }
    const text = await response.text();
    if (response.ok) return { status: response.status, headers: response.headers, text };
    throw callControlError(operation, response.status, response.headers.get('retry-after'), text, this.retry);
  }
}

/** Maps a Graph error answer to a typed error: status, Graph's code, its numeric calling code, Retry-After. */
export function callControlError(
  operation: string,
  status: number,
  retryAfter: string | null,
  bodyText: string,
  retry: Pick<RetryOptions, 'maxDelayMs'> = { maxDelayMs: 30_000 },
): CallControlError {
  const { code, message, resultCode } = readGraphError(bodyText);
  const retryAfterMs = parseRetryAfter(retryAfter, Date.now());
  const text = `${operation} failed: ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  const common = { operation, status, code, resultCode, message: text };
  if (status === 404 || resultCode === GRAPH_CALL_CODES.callNotFound) return new CallGoneError(common);
  let kind: CallControlErrorKind;
  if (status === 429 || ((status === 503 || status === 504) && retryAfterMs !== undefined)) kind = 'throttled';
  else if (status === 408 || status >= 500) kind = 'retryable';
  else if (status === 401 || status === 403) kind = 'forbidden';
  else if (status === 409 || status === 412) kind = 'conflict';
  else kind = 'badRequest';
  return new CallControlError({
    ...common,
    kind,
    retryAfterMs: kind === 'throttled' ? (retryAfterMs ?? retry.maxDelayMs) : retryAfterMs,
  });
}

/**
 * `{error: {code, message, innerError?: {code?}}}`. The calling service puts its numeric code in `code` ("8522"),
 * in the inner error, or only in the message ("… Code: 8522 …"): read whichever is there.
 */
export function readGraphError(text: string): { code?: string; message?: string; resultCode?: number } {
  let code: string | undefined;
  let message: string | undefined;
  let inner: string | undefined;
  try {
    const parsed = JSON.parse(text) as {
      error?: { code?: unknown; message?: unknown; innerError?: unknown; innererror?: unknown };
    };
    const e = parsed.error;
    if (e && typeof e === 'object') {
      if (typeof e.code === 'string' || typeof e.code === 'number') code = String(e.code);
      if (typeof e.message === 'string') message = e.message;
      const ie = (e.innerError ?? e.innererror) as { code?: unknown } | undefined;
      if (ie && (typeof ie.code === 'string' || typeof ie.code === 'number')) inner = String(ie.code);
    }
  } catch {
    message = text.slice(0, 300) || undefined;
  }
  const numeric = [code, inner].find((c) => c !== undefined && /^\d{3,6}$/.test(c));
  const fromMessage = message ? /\b(?:sub)?code\W{0,3}(\d{4,6})\b/i.exec(message)?.[1] : undefined;
  const n = numeric ?? fromMessage;
  return { code, message, resultCode: n !== undefined ? Number(n) : undefined };
}

// ---- bodies ------------------------------------------------------------------------------------------------------

function invitation(t: CallTarget): Record<string, unknown> {
  const identity =
    t.kind === 'user'
      ? {
          user: {
            '@odata.type': '#microsoft.graph.identity',
            id: t.userId,
            ...(t.tenantId ? { tenantId: t.tenantId } : {}),
          },
        }
      : { phone: { '@odata.type': '#microsoft.graph.identity', id: t.number } };
  return {
    '@odata.type': '#microsoft.graph.invitationParticipantInfo',
    endpointType: 'default',
    identity: { '@odata.type': '#microsoft.graph.identitySet', ...identity },
  };
}

function mediaPrompt(uri: string): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.mediaPrompt',
    mediaInfo: { '@odata.type': '#microsoft.graph.mediaInfo', uri, resourceId: resourceIdFor(uri) },
  };
}

/** A stable resourceId per media URI (Graph caches media by it). */
function resourceIdFor(uri: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < uri.length; i++) h = Math.imul(h ^ uri.charCodeAt(i), 0x01000193) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${uri.length.toString(16).padStart(12, '0').slice(-12)}`;
}

function context(clientContext: string | undefined): { clientContext?: string } {
  if (clientContext === undefined) return {};
  if (clientContext.length > 256) throw badInput('clientContext', 'clientContext: at most 256 characters');
  return { clientContext };
}

function callPath(callId: string): string {
  return `/communications/calls/${enc(callId)}`;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function parseJson(text: string): unknown {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function idFromLocation(location: string | null): string | undefined {
  const m = location ? /\/(?:operations|calls)\/([^/?#]+)\/?$/.exec(location) : null;
  return m ? decodeURIComponent(m[1]) : undefined;
}

function badInput(operation: string, message: string): CallControlError {
  return new CallControlError({ kind: 'badRequest', operation, message: `${operation}: ${message}` });
}
