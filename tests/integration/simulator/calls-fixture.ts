// Shared setup for the calls contract suites (calls-*.test.ts): a Fabrikam tenant with a contact-center bot, a
// media-less bot, agents and resource accounts; a test webhook (a local http server) that records every POST —
// and can be told to fail some, to observe retries — and a prompt server serving good and bad WAVs.
import { Client } from '@microsoft/microsoft-graph-client';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults, SeedFile } from '../../../simulator';
import { call, credential, eventually, graphClient, startTestSimulator, state, TestSim } from './helpers';

export const TENANT = 'c0ffee00-0000-4000-8000-00000000ca11';
export const BOT = 'b0b0b0b0-0000-4000-8000-000000000b07';
export const NOMEDIA_BOT = 'b0b0b0b0-0000-4000-8000-000000000b08';
export const NUMBER = '+15550001000';
export const NUMBER2 = '+15550001001';
export const NOMEDIA_NUMBER = '+15550001002';

export const seed: SeedFile = {
  tenants: [
    {
      tenantId: TENANT,
      displayName: 'Fabrikam',
      domains: ['fabrikam.onmicrosoft.com'],
      skus: { MCOEV: 10 },
      apps: [
        {
          appId: BOT,
          displayName: 'Fabrikam CC Bot',
          clientSecret: 'bot-secret',
          applicationPermissions: [
            'Calls.AccessMedia.All',
            'Calls.Initiate.All',
            'Calls.InitiateGroupCall.All',
            'Calls.JoinGroupCall.All',
            'Presence.Read.All',
          ],
          bot: true,
        },
        {
          appId: NOMEDIA_BOT,
          displayName: 'Fabrikam bot without media access',
          clientSecret: 'nomedia-secret',
          applicationPermissions: ['Calls.Initiate.All', 'Calls.InitiateGroupCall.All', 'Calls.JoinGroupCall.All'],
        },
      ],
      generateAgents: { count: 8, domain: 'fabrikam.onmicrosoft.com' },
      numbers: [
        { telephoneNumber: NUMBER, numberType: 'directRouting' },
        { telephoneNumber: NUMBER2, numberType: 'directRouting' },
        { telephoneNumber: NOMEDIA_NUMBER, numberType: 'directRouting' },
      ],
      applicationInstances: [
        {
          userPrincipalName: 'cc@fabrikam.onmicrosoft.com',
          displayName: 'Fabrikam CC',
          synced: true,
          licensed: true,
          phoneNumber: NUMBER,
        },
        {
          userPrincipalName: 'cc2@fabrikam.onmicrosoft.com',
          displayName: 'Fabrikam CC 2',
          synced: true,
          licensed: true,
          phoneNumber: NUMBER2,
        },
        {
          userPrincipalName: 'nomedia@fabrikam.onmicrosoft.com',
          displayName: 'No media',
          synced: true,
          licensed: true,
          phoneNumber: NOMEDIA_NUMBER,
          applicationId: NOMEDIA_BOT,
        },
      ],
    },
  ],
};

export interface Notification {
  changeType: string;
  resource: string;
  resourceUrl: string;
  resourceData: Record<string, unknown> & { state?: string; resultInfo?: { code: number; subcode: number } };
}

export interface Post {
  path: string;
  authorization: string;
  at: number;
  status: number;
  body: { '@odata.type': string; value: Notification[] };
}

/** A 16-bit PCM WAV header (+ a little silence) with the given channels and rate. */
export function wav(channels = 1, rate = 16000, bits = 16): Buffer {
  const data = Buffer.alloc(320);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE((rate * channels * bits) / 8, 28);
  h.writeUInt16LE((channels * bits) / 8, 32);
  h.writeUInt16LE(bits, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

export interface Fixture {
  t: TestSim;
  g: Client;
  hookUrl: string;
  mediaUrl: string;
  posts: Post[];
  /** answer the next n POSTs to `path` with 500 (after recording them) */
  failNext(path: string, n: number): void;
  agents: string[];
  instances: { objectId: string; phoneNumber: string | null }[];
  stop(): Promise<void>;
}

export async function startFixture(faults: Partial<Faults> = {}): Promise<Fixture> {
  const posts: Post[] = [];
  const failures = new Map<string, number>();
  const hook = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const left = failures.get(path) ?? 0;
      const status = left > 0 ? 500 : 202;
      if (left > 0) failures.set(path, left - 1);
      posts.push({
        path,
        authorization: req.headers.authorization ?? '',
        at: Date.now(),
        status,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(status).end();
    });
  });
  const media = http.createServer((req, res) => {
    const u = (req.url ?? '').split('?')[0];
    if (u === '/good.wav') return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav());
    if (u === '/stereo.wav') return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(2));
    if (u === '/8k.wav') return res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav(1, 8000));
    if (u === '/text.wav') return res.writeHead(200).end('not a wav at all');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  const mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
  const t = await startTestSimulator({
    seed,
    webhookUrl: `${hookUrl}/api/calls/notifications`,
    faults: {
      establishDelayMs: 20,
      dtmfIntervalMs: 30,
      promptDurationMs: 80,
      notificationBatchMs: 5,
      notificationRetryBaseMs: 50,
      incomingCallTimeoutMs: 3000,
      outboundAnswerDelayMs: 30,
      ...faults,
    },
  });
  const g = graphClient(t, credential(t, BOT, 'bot-secret', TENANT));
  const tenant = (await state(t)).tenants.find((x) => x.tenantId === TENANT)!;
  const agents = tenant.users.filter((u) => u.accountType === 'user').map((u) => u.id);
  for (const a of agents)
    await call(t, 'POST', `/_sim/agents/${a}/profile`, { answerDelayMs: 30, answerProbability: 1 });
  return {
    t,
    g,
    hookUrl,
    mediaUrl,
    posts,
    failNext: (path, n) => failures.set(path, n),
    agents,
    instances: tenant.applicationInstances.map((i) => ({ objectId: i.objectId, phoneNumber: i.phoneNumber })),
    stop: async () => {
      await t.stop();
      await new Promise((r) => hook.close(r));
      await new Promise((r) => media.close(r));
    },
  };
}

/** Every notification about `callId` (its operations and roster included), in arrival order. */
export function notificationsFor(f: Fixture, callId: string, path?: string): Notification[] {
  return f.posts
    .filter((p) => !path || p.path === path)
    .flatMap((p) => p.body.value)
    .filter((v) => v.resourceUrl.startsWith(`/communications/calls/${callId}`));
}

export function waitFor(
  f: Fixture,
  callId: string,
  pred: (n: Notification) => boolean,
  timeoutMs = 10000,
): Promise<Notification> {
  return eventually(() => notificationsFor(f, callId).find(pred), timeoutMs);
}

export const isEnd = (callId: string) => (n: Notification) =>
  n.changeType === 'deleted' && n.resourceUrl === `/communications/calls/${callId}`;

export const ANSWER = {
  acceptedModalities: ['audio'],
  mediaConfig: { '@odata.type': '#microsoft.graph.serviceHostedMediaConfig' },
};

/** Places an inbound call, answers it with the real Graph client, waits until it is established. */
export async function establishedCall(
  f: Fixture,
  o: {
    dtmf?: string;
    to?: string;
    handleTimeS?: number;
    patienceS?: number;
    answer?: Record<string, unknown>;
    client?: Client;
  } = {},
): Promise<string> {
  const placed = await call<{ callId: string }>(f.t, 'POST', '/_sim/calls', {
    tenantId: TENANT,
    from: '+14255551234',
    to: o.to ?? NUMBER,
    dtmf: o.dtmf,
    patienceS: o.patienceS ?? 120,
    handleTimeS: o.handleTimeS ?? 60,
  });
  expect(placed.status).toBe(201);
  const callId = placed.body.callId;
  await waitFor(f, callId, (n) => n.changeType === 'created');
  await (o.client ?? f.g)
    .api(`/communications/calls/${callId}/answer`)
    .post({ callbackUri: `${f.hookUrl}/callback`, ...ANSWER, ...o.answer });
  await eventually(async () => {
    const v = await call<{ state: string }>(f.t, 'GET', `/_sim/calls/${callId}`);
    return v.body.state === 'established' ? true : undefined;
  });
  return callId;
}

export interface CallView {
  id: string;
  state: string;
  agentId?: string;
  endReason?: string;
  answeredBy?: string;
  botInCall: boolean;
  resultInfo?: { code: number; subcode: number };
  participants: {
    id: string;
    kind: string;
    userId?: string;
    hidden: boolean;
    removeFromDefaultAudioRoutingGroup: boolean;
    isMuted: boolean;
    onHold: boolean;
    replacesCallId?: string;
  }[];
  /** participants who left, as they were (issue 15: a monitor's muted leg replaced by a speaking one) */
  departed: { id: string; kind: string; userId?: string; isMuted: boolean; leftAt: number }[];
  heard: { at: number; kind: string; uri?: string; until?: number }[];
  tones: { at: number; tone: string }[];
  recording: { at: number; status: string; clientContext?: string }[];
}

export async function view(f: Fixture, callId: string): Promise<CallView> {
  return (await call<CallView>(f.t, 'GET', `/_sim/calls/${callId}`)).body;
}

/** The Graph client's error for a failed request: statusCode and code (the numeric calls-API code as a string). */
export async function graphError(p: Promise<unknown>): Promise<{ statusCode: number; code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { statusCode: number; code: string; message: string };
  }
  throw new Error('expected the request to fail');
}
