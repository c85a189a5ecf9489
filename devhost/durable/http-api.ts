/**
 * The Durable HTTP API under `/runtime/webhooks/durabletask/` (reference §4): what the SDK's DurableClient calls
 * relative to rpcBaseUrl and what the public management URLs point at (same shapes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventType, eventTypeName, isTerminal, newEvent, type HistoryEvent } from './history';
import type { Hub } from './hub';
import { validateInstanceId } from './naming';
import type { InstanceQuery, InstanceRow } from './store';

export const WEBHOOK_PREFIX = '/runtime/webhooks/durabletask';

/** `yyyy-MM-ddTHH:mm:ssZ`, as the extension formats status times. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function requiredQueryString(hub: string): string {
  return `taskHub=${encodeURIComponent(hub)}&connection=Storage`;
}

/** The JSON handed to `durableClient` bindings (reference §4). */
export function clientBindingData(origin: string, hubName: string): string {
  const base = `${origin}${WEBHOOK_PREFIX}`;
  const q = requiredQueryString(hubName);
  const instance = `${base}/instances/INSTANCEID`;
  return JSON.stringify({
    taskHubName: hubName,
    connectionName: 'Storage',
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${q}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${q}`,
    },
    managementUrls: managementUrls(base, 'INSTANCEID', q, instance),
    baseUrl: base,
    requiredQueryStringParameters: q,
    rpcBaseUrl: `${base}/`,
    httpBaseUrl: null,
  });
}

function managementUrls(base: string, id: string, q: string, instance = `${base}/instances/${encodeURIComponent(id)}`) {
  return {
    id,
    statusQueryGetUri: `${instance}?${q}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${q}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${q}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${q}`,
    purgeHistoryDeleteUri: `${instance}?${q}`,
    restartPostUri: `${instance}/restart?${q}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${q}`,
    resumePostUri: `${instance}/resume?reason={text}&${q}`,
  };
}

function parseOutput(row: InstanceRow): unknown {
  if (row.output === null) return null;
  if (row.runtimeStatus !== 'Completed') return row.output;
  return parseJson(row.output);
}

function parseJson(text: string | null): unknown {
  if (text === null || text === undefined || text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isTrue(value: string | null): boolean {
  return value !== null && value.toLowerCase() === 'true';
}

/** History as the status API shows it: event type names, no devhost bookkeeping, results only on request. */
export function displayHistory(events: HistoryEvent[], showOutput: boolean): Record<string, unknown>[] {
  const scheduled = new Map<number, HistoryEvent>();
  for (const e of events) if (e.EventId >= 0) scheduled.set(e.EventId, e);
  return events.map((e) => {
    const { _mid: _ignored, IsPlayed: _played, ...rest } = e;
    const out: Record<string, unknown> = { ...rest, EventType: eventTypeName(e.EventType) };
    const id = e.TaskScheduledId ?? e.TimerId;
    const source = typeof id === 'number' ? scheduled.get(id) : undefined;
    if (source && e.EventType !== EventType.TimerFired) {
      out.FunctionName = source.Name;
      out.ScheduledTime = source.Timestamp;
    }
    if (e.EventType === EventType.ExecutionStarted) out.FunctionName = e.Name;
    if (!showOutput && e.EventType !== EventType.ExecutionCompleted) delete out.Result;
    return out;
  });
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class DurableHttpApi {
  constructor(private readonly hub: Hub) {}

  async handle(req: IncomingMessage, res: ServerResponse, subPath: string): Promise<void> {
    try {
      await this.route(req, res, subPath);
    } catch (err) {
      if (err instanceof HttpError) {
        send(res, err.status, { message: err.message });
      } else {
        this.hub.logger.error(`[durable] HTTP API error: ${(err as Error).stack ?? String(err)}`);
        send(res, 500, { message: 'Internal error in the Durable HTTP API.' });
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, subPath: string): Promise<void> {
    const [pathPart, queryPart = ''] = subPath.replace(/^\/+/, '').split(/\?(.*)/s, 2);
    const query = new URLSearchParams(queryPart);
    const segments = pathPart.split('/').filter((s, i, all) => s !== '' || i < all.length - 1);
    const parts = segments.filter((s) => s !== '').map((s) => safeDecode(s));
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = this.originOf(req);

    if (parts[0] === 'orchestrators' && (parts.length === 2 || parts.length === 3) && method === 'POST') {
      return this.start(req, res, origin, parts[1], parts[2], query);
    }
    if (parts[0] === 'instances') {
      if (parts.length === 1) {
        if (method === 'GET') return this.list(req, res, query);
        if (method === 'DELETE') return this.purgeBy(res, query);
      }
      if (parts.length === 2) {
        if (method === 'GET') return this.status(res, parts[1], query);
        if (method === 'DELETE') return this.purge(res, parts[1]);
      }
      if (parts.length === 4 && parts[2] === 'raiseEvent' && method === 'POST') {
        return this.raiseEvent(req, res, parts[1], parts[3]);
      }
      if (parts.length === 3 && method === 'POST') {
        const op = parts[2];
        if (op === 'terminate' || op === 'suspend' || op === 'resume') return this.control(res, parts[1], op, query);
        if (op === 'restart') return this.restart(res, origin, parts[1]);
        if (op === 'rewind') throw new HttpError(501, 'Rewind is not supported by the devhost.');
      }
    }
    throw new HttpError(404, `No Durable HTTP API at '${pathPart}' for ${method}.`);
  }

  private originOf(req: IncomingMessage): string {
    const host = req.headers.host;
    return host ? `http://${host}` : this.hub.ctx.origin;
  }

  private payload(origin: string, instanceId: string): Record<string, string> {
    return managementUrls(`${origin}${WEBHOOK_PREFIX}`, instanceId, requiredQueryString(this.hub.store.names.hub));
  }

  /** Creates (or re-creates) an instance: Pending row, then the ExecutionStarted message. */
  async startInstance(name: string, instanceId: string, input: string | null): Promise<void> {
    const existing = await this.hub.store.getInstance(instanceId);
    if (existing && !isTerminal(existing.runtimeStatus)) {
      throw new HttpError(409, `An instance with ID '${instanceId}' already exists and is ${existing.runtimeStatus}.`);
    }
    const now = new Date();
    const executionId = this.hub.newId();
    await this.hub.store.mergeInstance(
      instanceId,
      {
        name,
        version: '',
        input,
        output: null,
        customStatus: null,
        runtimeStatus: 'Pending',
        createdTime: now,
        lastUpdatedTime: now,
        completedTime: null,
        executionId,
      },
      true,
    );
    const event = newEvent(EventType.ExecutionStarted, now, {
      OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
      ParentInstance: null,
      Name: name,
      Version: '',
      Input: input,
    });
    await this.hub.send([
      { queue: 'control', instanceId, body: { mid: this.hub.newId(), instanceId, executionId, event } },
    ]);
  }

  private async start(
    req: IncomingMessage,
    res: ServerResponse,
    origin: string,
    functionName: string,
    requestedId: string | undefined,
    query: URLSearchParams,
  ): Promise<void> {
    const fn = this.hub.findFunction(functionName, 'orchestrationTrigger');
    if (!fn) {
      throw new HttpError(
        400,
        `The function '${functionName}' doesn't exist, is disabled, or is not an orchestrator function.`,
      );
    }
    const instanceId = requestedId ?? this.hub.newId();
    const invalid = validateInstanceId(instanceId);
    if (invalid) throw new HttpError(400, invalid);
    const body = (await readBody(req)).trim();
    let input: string | null = null;
    if (body !== '' && body !== '""') {
      try {
        JSON.parse(body);
      } catch {
        throw new HttpError(400, 'The request body is not valid JSON.');
      }
      input = body;
    }
    await this.startInstance(fn.metadata.name, instanceId, input);
    const payload = this.payload(origin, instanceId);

    const timeout = query.get('timeout');
    if (timeout !== null) {
      const deadline = Date.now() + Math.max(0, Number(timeout) || 0) * 1000;
      const interval = Math.max(0.05, Number(query.get('pollingInterval') ?? 1) || 1) * 1000;
      for (;;) {
        const row = await this.hub.store.getInstance(instanceId);
        if (row && isTerminal(row.runtimeStatus)) {
          if (row.runtimeStatus === 'Completed') return send(res, 200, parseOutput(row));
          return send(res, 200, this.statusBody(row, true));
        }
        if (Date.now() + interval > deadline) break;
        await new Promise((r) => setTimeout(r, interval));
      }
    }
    send(res, 202, payload, { Location: payload.statusQueryGetUri, 'Retry-After': '10' });
  }

  private statusBody(row: InstanceRow, showInput: boolean): Record<string, unknown> {
    return {
      name: row.name,
      instanceId: row.instanceId,
      runtimeStatus: row.runtimeStatus,
      input: showInput ? parseJson(row.input) : null,
      customStatus: parseJson(row.customStatus),
      output: parseOutput(row),
      createdTime: formatTime(row.createdTime),
      lastUpdatedTime: formatTime(row.lastUpdatedTime),
    };
  }

  private async status(res: ServerResponse, instanceId: string, query: URLSearchParams): Promise<void> {
    const row = await this.hub.store.getInstance(instanceId);
    if (!row) {
      res.writeHead(404).end();
      return;
    }
    const body = this.statusBody(row, query.get('showInput') === null || isTrue(query.get('showInput')));
    if (isTrue(query.get('showHistory'))) {
      const loaded = await this.hub.store.loadHistory(instanceId);
      body.history = displayHistory(loaded.events, isTrue(query.get('showHistoryOutput')));
    }
    send(res, isTerminal(row.runtimeStatus) ? 200 : 202, body);
  }

  private parseFilter(query: URLSearchParams): InstanceQuery {
    const date = (name: string): Date | undefined => {
      const v = query.get(name);
      if (!v) return undefined;
      const d = new Date(v);
      if (Number.isNaN(d.getTime())) throw new HttpError(400, `${name} is not a valid date.`);
      return d;
    };
    const statuses = (query.get('runtimeStatus') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return {
      createdTimeFrom: date('createdTimeFrom'),
      createdTimeTo: date('createdTimeTo'),
      runtimeStatus: statuses.length ? statuses : undefined,
      instanceIdPrefix: query.get('instanceIdPrefix') ?? undefined,
    };
  }

  private async list(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    const filter = this.parseFilter(query);
    const top = query.get('top') ? Math.max(1, Number(query.get('top'))) : 100;
    const token = req.headers['x-ms-continuation-token'];
    const page = await this.hub.store.queryInstances(
      filter,
      top,
      typeof token === 'string' && token ? token : undefined,
    );
    const showInput = query.get('showInput') === null || isTrue(query.get('showInput'));
    const headers: Record<string, string> = {};
    if (page.continuationToken) headers['x-ms-continuation-token'] = page.continuationToken;
    send(
      res,
      200,
      page.instances.map((row) => this.statusBody(row, showInput)),
      headers,
    );
  }

  private async purgeOne(row: InstanceRow): Promise<boolean> {
    if (!isTerminal(row.runtimeStatus)) return false;
    await this.hub.store.deleteHistory(row.instanceId);
    await this.hub.store.deleteInstance(row.instanceId);
    return true;
  }

  private async purge(res: ServerResponse, instanceId: string): Promise<void> {
    const row = await this.hub.store.getInstance(instanceId);
    if (!row || !(await this.purgeOne(row))) {
      send(res, 404, { instancesDeleted: 0 });
      return;
    }
    send(res, 200, { instancesDeleted: 1 });
  }

  private async purgeBy(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const filter = this.parseFilter(query);
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.hub.store.queryInstances(filter, 500, token);
      for (const row of page.instances) if (await this.purgeOne(row)) deleted++;
      token = page.continuationToken;
    } while (token);
    send(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
  }

  private async requireActive(res: ServerResponse, instanceId: string): Promise<InstanceRow | undefined> {
    const row = await this.hub.store.getInstance(instanceId);
    if (!row) {
      send(res, 404, { message: `No instance with ID '${instanceId}' found.` });
      return undefined;
    }
    if (isTerminal(row.runtimeStatus)) {
      send(res, 410, { message: `The instance '${instanceId}' is ${row.runtimeStatus}.` });
      return undefined;
    }
    return row;
  }

  private async enqueue(instanceId: string, event: HistoryEvent): Promise<void> {
    await this.hub.send([
      { queue: 'control', instanceId, body: { mid: this.hub.newId(), instanceId, executionId: null, event } },
    ]);
  }

  private async raiseEvent(
    req: IncomingMessage,
    res: ServerResponse,
    instanceId: string,
    eventName: string,
  ): Promise<void> {
    const body = (await readBody(req)).trim();
    if (!(await this.requireActive(res, instanceId))) return;
    let input: string | null = null;
    if (body !== '') {
      try {
        JSON.parse(body);
        input = body;
      } catch {
        input = JSON.stringify(body);
      }
    }
    await this.enqueue(instanceId, newEvent(EventType.EventRaised, new Date(), { Name: eventName, Input: input }));
    res.writeHead(202).end();
  }

  private async control(
    res: ServerResponse,
    instanceId: string,
    op: 'terminate' | 'suspend' | 'resume',
    query: URLSearchParams,
  ): Promise<void> {
    if (!(await this.requireActive(res, instanceId))) return;
    const reason = query.get('reason');
    const now = new Date();
    const event =
      op === 'terminate'
        ? newEvent(EventType.ExecutionTerminated, now, { Input: reason })
        : newEvent(op === 'suspend' ? EventType.ExecutionSuspended : EventType.ExecutionResumed, now, {
            Reason: reason,
          });
    await this.enqueue(instanceId, event);
    res.writeHead(202).end();
  }

  private async restart(res: ServerResponse, origin: string, instanceId: string): Promise<void> {
    const row = await this.hub.store.getInstance(instanceId);
    if (!row) throw new HttpError(404, `No instance with ID '${instanceId}' found.`);
    const newId = this.hub.newId();
    await this.startInstance(row.name, newId, row.input);
    const payload = this.payload(origin, newId);
    send(res, 202, payload, { Location: payload.statusQueryGetUri });
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body === undefined ? null : body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
