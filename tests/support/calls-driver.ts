/**
 * For the shared/calls adapter tests (call-control, call-graph-hard): the real simulator over HTTPS with one numbered
 * resource account synced to the bot, a local HTTP server as the bot's webhook (parses every POST with the real
 * parser; serves prompt WAVs; `/hook/flaky` fails every other new POST once so Graph retries it), the CallControl
 * adapter with the bot's credential, and a Driver that plays router for one call: every event read so far goes
 * through the call machine, its commands through the adapter.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { appEnvForSimulator } from '../../scripts/lib/app-env';
import {
  ArrivalRoute,
  CallEvent,
  CallInput,
  CallRecord,
  GraphCallControl,
  GraphCallControlFactory,
  applyCallInput,
  executeCallCommand,
  parseCommsNotifications,
} from '../../shared/calls';
import { loadConfig } from '../../shared/config';
import { startSimulator, type Faults, type RunningSimulator } from '../../simulator';
import { defaultSeedTenant } from '../../simulator/seed';
import { SIM_DATA_DIR, simJson, waitFor } from './test-simulator';

/** A mono 16-bit 16 kHz PCM WAV: a RIFF header and a little silence (all the simulator will play). */
export function wav(): Buffer {
  const data = Buffer.alloc(3200);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(16000, 24);
  h.writeUInt32LE(16000 * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

/** A type guard for one kind of call event, optionally with a further condition. */
export const isType =
  <K extends CallEvent['type']>(type: K, also: (e: Extract<CallEvent, { type: K }>) => boolean = () => true) =>
  (e: CallEvent): e is Extract<CallEvent, { type: K }> =>
    e.type === type && also(e as Extract<CallEvent, { type: K }>);

/** One POST the webhook took: its path under `/hook`, the status it answered, the events parsed from it. */
export interface Received {
  at: number;
  path: string;
  status: number;
  events: CallEvent[];
  authorization?: string;
  /** The POST's body as Graph sent it (what the webhook would put on the `call-events` queue). */
  body: unknown;
}

export interface CallHarnessOptions {
  number: string;
  caller: string;
  /** The resource account's UPN and display name. */
  account: { userPrincipalName: string; displayName: string };
  faults?: Partial<Faults>;
}

export class CallHarness {
  sim!: RunningSimulator;
  cc!: GraphCallControl;
  config!: ReturnType<typeof loadConfig>;
  readonly tenantId = randomUUID();
  readonly resourceAccountId = randomUUID();
  /** http://127.0.0.1:<port>/hook — `${base}/calls` is the webhook, `${base}/flaky` the flaky one. */
  base = '';
  webhook = '';
  /** Where the simulator fetches prompts (`${promptBase}/x.wav`). */
  promptBase = '';
  readonly received: Received[] = [];
  readonly parseErrors: string[] = [];
  /** upn → object id */
  readonly agents = new Map<string, string>();
  private server: http.Server | undefined;
  private flakyCount = 0;
  private readonly deliveredOnce = new Set<string>();

  constructor(private readonly o: CallHarnessOptions) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.serve(req, res));
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.base = `${origin}/hook`;
    this.webhook = `${this.base}/calls`;
    this.promptBase = `${origin}/prompts`;
    this.sim = await startSimulator({
      port: 0,
      dataDir: SIM_DATA_DIR,
      quiet: true,
      writeSettings: false,
      webhookUrl: this.webhook,
      faults: this.o.faults,
      seed: {
        includeDefaultTenant: false,
        tenants: [
          {
            ...defaultSeedTenant(),
            tenantId: this.tenantId,
            generateAgents: { count: 5, domain: 'contoso.com', usageLocation: 'US' },
            applicationInstances: [
              {
                objectId: this.resourceAccountId,
                ...this.o.account,
                licensed: true,
                synced: true,
                usageLocation: 'US',
                phoneNumber: this.o.number,
              },
            ],
          },
        ],
      },
    });
    const extra = process.env.NODE_EXTRA_CA_CERTS;
    if (!extra || path.resolve(extra) !== path.resolve(this.sim.caPath))
      throw new Error(`run through node dist/scripts/test.js (NODE_EXTRA_CA_CERTS=${this.sim.caPath})`);
    this.config = loadConfig({
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      ...appEnvForSimulator(this.sim.settings),
    });
    this.cc = new GraphCallControlFactory(this.config, { retry: { maxAttempts: 6 } }).forTenant(this.tenantId);
    const state = await simJson<{ tenants: { users: { id: string; userPrincipalName: string }[] }[] }>(
      this.sim,
      'GET',
      `/_sim/state?tenantId=${this.tenantId}`,
    );
    for (const u of state.tenants[0].users) this.agents.set(u.userPrincipalName.toLowerCase(), u.id);
  }

  async stop(): Promise<void> {
    await this.sim?.stop();
    const server = this.server;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** agent0n@contoso.com's object id. */
  agent(n: number): string {
    return this.agents.get(`agent0${n}@contoso.com`)!;
  }

  events(callId: string): CallEvent[] {
    return this.received.flatMap((r) => r.events).filter((e) => e.callId === callId);
  }

  waitEvent<T extends CallEvent>(
    what: string,
    callId: string,
    pick: (e: CallEvent) => e is T,
    timeoutMs = 20_000,
  ): Promise<T> {
    return waitFor(what, async () => this.events(callId).find(pick), timeoutMs, 50);
  }

  async placeCall(extra: Record<string, unknown> = {}): Promise<string> {
    const r = await simJson<{ callId: string }>(this.sim, 'POST', '/_sim/calls', {
      tenantId: this.tenantId,
      from: this.o.caller,
      to: this.o.number,
      ...extra,
    });
    return r.callId;
  }

  /** The simulator's view of a call. */
  view<T>(callId: string): Promise<T> {
    return simJson<T>(this.sim, 'GET', `/_sim/calls/${callId}`);
  }

  driver(callId: string, route: ArrivalRoute, callbackUri = this.webhook): Driver {
    return new Driver(this, callId, route, callbackUri);
  }

  /** A new call driven until it waits in the call queue. */
  async queued(route: ArrivalRoute, callbackUri = this.webhook, extra: Record<string, unknown> = {}): Promise<Driver> {
    const d = this.driver(await this.placeCall(extra), route, callbackUri);
    await d.until('queued', (x) => x.record?.enqueuedAt !== undefined);
    return d;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.method === 'GET' && req.url?.startsWith('/prompts/') && req.url.endsWith('.wav')) {
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav());
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = (req.url ?? '/').replace(/^\/hook/, '');
      const raw = Buffer.concat(chunks).toString('utf8');
      // a POST to /flaky is failed on its first delivery only, so its retry gets through (none is dropped)
      const status = p === '/flaky' && !this.deliveredOnce.has(raw) && this.flakyCount++ % 2 === 0 ? 500 : 202;
      this.deliveredOnce.add(raw);
      res.writeHead(status).end();
      try {
        const body: unknown = JSON.parse(raw);
        this.received.push({
          at: Date.now(),
          path: p,
          status,
          events: parseCommsNotifications(body, { tenantId: this.tenantId }),
          authorization: req.headers.authorization,
          body,
        });
      } catch (e) {
        this.parseErrors.push((e as Error).message);
      }
    });
  }
}

/** Plays router for one call: every event read so far goes through the machine; its commands go to Graph. */
export class Driver {
  record: CallRecord | undefined;
  applied = 0;
  readonly log: string[] = [];
  readonly commands: string[] = [];
  constructor(
    private readonly h: CallHarness,
    readonly callId: string,
    private readonly route: ArrivalRoute,
    /** where the answer sends the call's later POSTs */
    private readonly callbackUri: string,
  ) {}

  async pump(): Promise<void> {
    const evs = this.h.events(this.callId);
    for (; this.applied < evs.length; this.applied++)
      await this.apply({ kind: 'graph', event: evs[this.applied], at: Date.now(), route: this.route });
  }

  async apply(input: CallInput): Promise<void> {
    const t = applyCallInput(this.record, input, { callbackUri: this.callbackUri });
    if (t.refused) throw new Error(`refused: ${t.refused}`);
    this.record = t.record;
    this.log.push(...t.log.map((e) => e.kind));
    for (const cmd of t.commands) {
      this.commands.push(cmd.op);
      await executeCallCommand(this.h.cc, cmd);
    }
  }

  async until(what: string, done: (d: Driver) => boolean, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      what,
      async () => {
        await this.pump();
        return done(this) ? true : undefined;
      },
      timeoutMs,
      50,
    );
  }
}
