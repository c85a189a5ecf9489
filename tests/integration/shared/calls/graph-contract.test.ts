/**
 * What the Graph adapter puts on the wire, checked against Microsoft's API reference (api-reference/v1.0/api/*.md)
 * with a local HTTP server standing in for Graph: bodies the current simulator does not inspect (mediaConfig,
 * routingPolicies, transferee, hidden, …), answers it does not give (202 without a body, 404 with 8522,
 * Retry-After on 429).
 */
jest.setTimeout(30_000);

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { CallControlError, CallGoneError, GraphCallControl } from '../../../../shared/calls';

interface Seen {
  method: string;
  path: string;
  body: unknown;
  auth?: string;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

let server: http.Server;
let base: string;
const seen: Seen[] = [];
let replies: Reply[] = [];
const sleeps: number[] = [];

const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: 'bot-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

function cc(): GraphCallControl {
  return new GraphCallControl({
    tenantId: 't1',
    graphBaseUrl: base,
    credential,
    retry: { maxAttempts: 3, baseDelayMs: 1 },
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        body: text ? (JSON.parse(text) as unknown) : undefined,
        auth: req.headers.authorization,
      });
      const r = replies.shift() ?? { status: 202 };
      res.writeHead(r.status, { 'content-type': 'application/json', ...(r.headers ?? {}) });
      res.end(r.body === undefined ? '' : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  sleeps.length = 0;
  replies = [];
});

const last = () => seen[seen.length - 1];

describe('request bodies (api-reference/v1.0/api)', () => {
  it('answer: callbackUri, acceptedModalities audio, serviceHostedMediaConfig (call-answer.md)', async () => {
    await cc().answer('c1', { callbackUri: 'https://bot/api/calls' });
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/v1.0/communications/calls/c1/answer',
      body: {
        callbackUri: 'https://bot/api/calls',
        acceptedModalities: ['audio'],
        mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
      },
    });
  });

  it('reject {reason}; redirect {targets, timeout, routingPolicies, callbackUri}', async () => {
    await cc().reject('c1', 'busy');
    expect(last().body).toEqual({ reason: 'busy' });
    await cc().redirect('c1', {
      targets: [{ kind: 'user', userId: 'u1', tenantId: 't1' }],
      timeoutS: 20,
      routingPolicies: ['disableForwarding'],
      callbackUri: 'https://bot/api/calls',
    });
    expect(last().body).toEqual({
      targets: [
        {
          '@odata.type': '#microsoft.graph.invitationParticipantInfo',
          endpointType: 'default',
          identity: {
            '@odata.type': '#microsoft.graph.identitySet',
            user: { '@odata.type': '#microsoft.graph.identity', id: 'u1', tenantId: 't1' },
          },
        },
      ],
      timeout: 20,
      routingPolicies: ['disableForwarding'],
      callbackUri: 'https://bot/api/calls',
    });
  });

  it('transfer {transferTarget, transferee, clientContext} (call-transfer.md)', async () => {
    await cc().transfer('c1', {
      target: { kind: 'phone', number: '+14255550100' },
      transfereeParticipantId: 'p-caller',
      clientContext: 'c1|offer:o1|2',
    });
    expect(last().body).toMatchObject({
      transferTarget: { identity: { phone: { id: '+14255550100' } } },
      transferee: { participantId: 'p-caller' },
      clientContext: 'c1|offer:o1|2',
    });
  });

  it('playPrompt mediaPrompt/mediaInfo; invite hidden + removeFromDefaultAudioRoutingGroup; hold music 202 without a body', async () => {
    replies = [
      {
        status: 200,
        body: {
          '@odata.type': '#microsoft.graph.playPromptOperation',
          id: 'op1',
          status: 'running',
          clientContext: 'x',
        },
      },
    ];
    const op = await cc().playPrompt('c1', { promptUris: ['https://cdn/a.wav'], clientContext: 'x' });
    expect(op).toMatchObject({ id: 'op1', type: 'playPromptOperation', status: 'running', clientContext: 'x' });
    expect(last().body).toMatchObject({
      clientContext: 'x',
      prompts: [{ '@odata.type': '#microsoft.graph.mediaPrompt', mediaInfo: { uri: 'https://cdn/a.wav' } }],
    });
    await cc().invite('c1', {
      participants: [
        { target: { kind: 'user', userId: 'sup' }, hidden: true, removeFromDefaultAudioRoutingGroup: true },
      ],
      clientContext: 'm',
    });
    expect(last()).toMatchObject({
      path: '/v1.0/communications/calls/c1/participants/invite',
      body: {
        participants: [{ identity: { user: { id: 'sup' } }, hidden: true, removeFromDefaultAudioRoutingGroup: true }],
      },
    });
    replies = [{ status: 202, headers: { location: `${base}/v1.0/communications/calls/c1/operations/op9` } }];
    const hold = await cc().startHoldMusic('c1', 'p1', { clientContext: 'h' });
    expect(hold).toMatchObject({ id: 'op9', status: 'running' });
    expect(last().path).toBe('/v1.0/communications/calls/c1/participants/p1/startHoldMusic');
  });

  it('keepAlive sends no body; createCall names the source applicationInstance, tenantId, mediaConfig', async () => {
    replies = [{ status: 200 }];
    await expect(cc().keepAlive('c1')).resolves.toBe('alive');
    expect(last()).toMatchObject({ path: '/v1.0/communications/calls/c1/keepAlive' });
    expect(last().body ?? {}).toEqual({});
    replies = [{ status: 201, body: { id: 'new-call', state: 'establishing' } }];
    await expect(
      cc().createCall({
        sourceApplicationInstanceId: 'ra1',
        target: { kind: 'phone', number: '+1555' },
        callbackUri: 'https://bot/api/calls',
      }),
    ).resolves.toEqual({ callId: 'new-call', state: 'establishing' });
    expect(last().body).toMatchObject({
      source: { identity: { applicationInstance: { id: 'ra1' } } },
      targets: [{ identity: { phone: { id: '+1555' } } }],
      requestedModalities: ['audio'],
      mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
      tenantId: 't1',
    });
  });
});

describe('answers', () => {
  it('keepAlive 404 (8537 after expiry) is gone; hang-up of a gone call is gone; 8522 on an action is CallGoneError', async () => {
    replies = [{ status: 404, body: { error: { code: '8537', message: 'Call expired' } } }];
    await expect(cc().keepAlive('c1')).resolves.toBe('gone');
    replies = [{ status: 404, body: { error: { code: 'itemNotFound', message: 'gone' } } }];
    await expect(cc().hangUp('c1')).resolves.toBe('gone');
    replies = [{ status: 400, body: { error: { code: '8522', message: 'Call not found' } } }];
    const e = await cc()
      .playPrompt('c1', { promptUris: ['https://x/a.wav'], clientContext: 'x' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CallGoneError);
    expect(e).toMatchObject({ resultCode: 8522, status: 400 });
  });

  it('429 with Retry-After is waited exactly, then retried; a 403 7505 is forbidden with its code', async () => {
    replies = [
      { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'TooManyRequests' } } },
      { status: 202 },
    ];
    await cc().answer('c2', { callbackUri: 'https://bot/api/calls' });
    expect(seen.filter((s) => s.path.endsWith('/c2/answer'))).toHaveLength(2);
    expect(sleeps).toContain(1000);
    replies = [{ status: 403, body: { error: { code: '7505', message: 'Request authorization tenant mismatch.' } } }];
    const e = await cc()
      .transfer('c2', { target: { kind: 'user', userId: 'u' } })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CallControlError);
    expect(e).toMatchObject({ kind: 'forbidden', resultCode: 7505, status: 403 });
  });
});
