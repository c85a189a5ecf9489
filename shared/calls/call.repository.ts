/**
 * Tables `calls` (PartitionKey tenantId, RowKey callId: the call's record, ETag-guarded) and `callEvents`
 * (PartitionKey `{tenantId}|{yyyymmdd}`, RowKey `{callId}|{seq}`: the call's story for reporting), DESIGN.md "State
 * in Table storage".
 *
 * One transition = read the call row, apply the input (call.rules.ts), write the row with If-Match. The log entries
 * of a transition travel in the row itself (`outbox`) and are upserted into `callEvents` after the write — and again,
 * idempotently, before the next transition, so a crash between the two loses nothing and a retried write never adds
 * a row for a transition that did not commit. Two workers applying notifications of one call at once converge: the
 * loser of an ETag race reloads and re-applies.
 */
import { TableClient, odata, type TransactionAction } from '@azure/data-tables';
import {
  compositeKey,
  ensureTable,
  padSeq,
  properties,
  submitInGroups,
  tableClient,
  updateWithEtag,
  type Entity,
  type EtagUpdateOptions,
  type StoredEntity,
} from '../storage';
import {
  CallCommand,
  CallEnv,
  CallInput,
  CallLogEntry,
  CallRecord,
  CallSummary,
  applyCallInput,
  callPhase,
  callSummary,
} from './call.rules';
import { keepAliveLinkIsLive } from './call.outcome';

/** Column of the call row holding the due time of its keepAlive chain's live link (epoch ms). */
const KEEP_ALIVE_LINK = 'keepAliveLink';

export interface StoredCall {
  record: CallRecord;
  /** Due time of the call's live keepAlive link (absent before the first one is claimed). */
  keepAliveLink?: number;
  /** Day of the call's first row (UTC yyyymmdd): the callEvents partition of its story. */
  day: string;
  etag?: string;
}

export interface CallTransitionResult {
  record: CallRecord | undefined;
  log: CallLogEntry[];
  commands: CallCommand[];
  changed: boolean;
  refused?: string;
}

export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10).replace(/-/g, '');
}

/**
 * Told after a transition's log entries reached `callEvents` — and again each time the outbox is flushed before a
 * later transition — so a consumer (reporting's feed) hears of every entry at least once, never of an uncommitted
 * one. It must be idempotent; a failure fails the transition's message, which the host retries.
 */
export type CallLogListener = (tenantId: string, callId: string, entries: readonly CallLogEntry[]) => Promise<void>;

/** How many calls' flushed ETags one process remembers (the oldest are forgotten: their next write flushes again). */
const FLUSHED_KEPT = 10_000;

export class CallRepository {
  readonly calls: TableClient;
  readonly events: TableClient;

  constructor(
    connectionString: string,
    o: { callsTable?: string; eventsTable?: string; etag?: EtagUpdateOptions; onLogged?: CallLogListener } = {},
  ) {
    this.calls = tableClient(connectionString, o.callsTable ?? 'calls');
    this.events = tableClient(connectionString, o.eventsTable ?? 'callEvents');
    this.etag = o.etag ?? {};
    this.onLogged = o.onLogged;
  }

  private readonly etag: EtagUpdateOptions;
  private readonly onLogged?: CallLogListener;
  /** `{tenant}|{callId}` → the ETag of the row this process wrote and whose outbox it then flushed (newest last). */
  private readonly flushed = new Map<string, string>();
  /**
   * The same calls' rows as written (with that ETag): the next transition in this process starts from it, not from a
   * read; a row changed elsewhere since fails that write (412) and is read as before.
   */
  private readonly lastWritten = new Map<string, StoredEntity & { etag: string }>();

  private rememberFlushed(
    key: string,
    written: { entity: Entity; etag: string } | undefined,
    log: readonly CallLogEntry[],
  ): void {
    this.flushed.delete(key);
    this.lastWritten.delete(key);
    if (!written?.etag || log.some((e) => e.kind === 'ended')) return;
    this.flushed.set(key, written.etag);
    this.lastWritten.set(key, { ...written.entity, etag: written.etag });
    if (this.flushed.size > FLUSHED_KEPT) {
      const oldest = this.flushed.keys().next().value as string;
      this.flushed.delete(oldest);
      this.lastWritten.delete(oldest);
    }
  }

  /**
   * Applies one input to a call under its ETag. `callId` and `tenantId` name the row (for a Graph event, the
   * event's own). Returns what the machine decided in the attempt that committed; `changed: false` writes nothing.
   */
  async apply(tenantId: string, callId: string, input: CallInput, env: CallEnv): Promise<CallTransitionResult> {
    await Promise.all([ensureTable(this.calls), ensureTable(this.events)]);
    const pk = tenantId.toLowerCase();
    let result: CallTransitionResult = { record: undefined, log: [], commands: [], changed: false };
    let day = '';
    const mine = `${pk}|${callId}`;
    const last = this.lastWritten.get(mine);
    const written = await updateWithEtag(
      this.calls,
      pk,
      callId,
      async (entity) => {
        const stored = entity ? decodeCall(entity) : undefined;
        // The outbox of a row this process wrote and then flushed is in callEvents already: not again.
        if (stored && this.flushed.get(mine) !== entity?.etag) await this.flush(pk, stored.day, callId, stored.outbox);
        const t = applyCallInput(stored?.record, input, env);
        result = { record: t.record, log: t.log, commands: t.commands, changed: t.changed, refused: t.refused };
        if (!stored && !t.changed) result.record = undefined;
        if (!t.changed) return undefined;
        day = stored?.day ?? utcDay(input.at);
        const next = encodeCall({ record: { ...t.record, tenantId: t.record.tenantId || pk }, day }, t.log);
        if (entity && entity[KEEP_ALIVE_LINK] !== undefined) next[KEEP_ALIVE_LINK] = entity[KEEP_ALIVE_LINK];
        return next;
      },
      { ...this.etag, ...(last ? { first: last } : {}) },
    );
    if (result.changed) {
      await this.flush(pk, day, callId, result.log);
      this.rememberFlushed(mine, written, result.log);
    }
    return result;
  }

  async get(tenantId: string, callId: string): Promise<StoredCall | undefined> {
    await ensureTable(this.calls);
    try {
      const e = await this.calls.getEntity<Record<string, unknown>>(tenantId.toLowerCase(), callId);
      const d = decodeCall(e as StoredEntity);
      const link = e[KEEP_ALIVE_LINK];
      return {
        record: d.record,
        day: d.day,
        etag: e.etag,
        ...(link !== undefined && link !== null ? { keepAliveLink: Number(link) } : {}),
      };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }

  /**
   * Claims a call's keepAlive link due at `dueAt` (see keepAliveLinkIsLive): when it is still the live link, the row
   * moves to the successor `nextDueAt` under its ETag and this caller alone arms it (`claimed`); `taken` when another
   * copy of the link claimed it first (with the row's link now), `gone` when the call row does not exist.
   */
  async claimKeepAlive(
    tenantId: string,
    callId: string,
    dueAt: number,
    nextDueAt: number,
  ): Promise<{ kind: 'claimed' } | { kind: 'taken'; link?: number } | { kind: 'gone' }> {
    await ensureTable(this.calls);
    let outcome: { kind: 'claimed' } | { kind: 'taken'; link?: number } | { kind: 'gone' } = { kind: 'gone' };
    await updateWithEtag(
      this.calls,
      tenantId.toLowerCase(),
      callId,
      (entity) => {
        if (!entity) {
          outcome = { kind: 'gone' };
          return undefined;
        }
        const raw = entity[KEEP_ALIVE_LINK];
        const link = raw !== undefined && raw !== null ? Number(raw) : undefined;
        if (!keepAliveLinkIsLive(link, dueAt)) {
          outcome = { kind: 'taken', link };
          return undefined;
        }
        outcome = { kind: 'claimed' };
        return { ...properties(entity), partitionKey: '', rowKey: '', [KEEP_ALIVE_LINK]: nextDueAt };
      },
      this.etag,
    );
    return outcome;
  }

  /** The calls of a tenant that have not ended (the live view), optionally of one call queue. */
  async listActive(tenantId: string, callQueueId?: string): Promise<CallSummary[]> {
    await ensureTable(this.calls);
    const pk = tenantId.toLowerCase();
    const filter = callQueueId
      ? odata`PartitionKey eq ${pk} and phase ne 'ended' and callQueueId eq ${callQueueId}`
      : odata`PartitionKey eq ${pk} and phase ne 'ended'`;
    const out: CallSummary[] = [];
    for await (const e of this.calls.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(callSummary(decodeCall(e as StoredEntity).record));
    return out;
  }

  /**
   * The records of a call queue's calls that have not ended, from one query (what routing reads: a pass needs every
   * waiting call's facts, and one read per call made a burst's routing passes slow).
   */
  async listActiveRecords(tenantId: string, callQueueId: string): Promise<CallRecord[]> {
    await ensureTable(this.calls);
    const pk = tenantId.toLowerCase();
    const filter = odata`PartitionKey eq ${pk} and phase ne 'ended' and callQueueId eq ${callQueueId}`;
    const out: CallRecord[] = [];
    for await (const e of this.calls.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(decodeCall(e as StoredEntity).record);
    return out;
  }

  /** A call's story, in order. */
  async listEvents(tenantId: string, callId: string): Promise<CallLogEntry[]> {
    const call = await this.get(tenantId, callId);
    if (!call) return [];
    await ensureTable(this.events);
    const pk = compositeKey(tenantId.toLowerCase(), call.day);
    const prefix = `${compositeKey(callId)}|`;
    const filter = odata`PartitionKey eq ${pk} and RowKey ge ${prefix} and RowKey lt ${`${compositeKey(callId)}}`}`;
    const out: CallLogEntry[] = [];
    for await (const e of this.events.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(JSON.parse(String(e.entry)) as CallLogEntry);
    return out.sort((a, b) => a.seq - b.seq);
  }

  private async flush(tenantId: string, day: string, callId: string, entries: readonly CallLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const pk = compositeKey(tenantId, day);
    const actions = entries.map((entry): TransactionAction => [
      'upsert',
      {
        partitionKey: pk,
        rowKey: compositeKey(callId, padSeq(entry.seq, 6)),
        kind: entry.kind,
        at: new Date(entry.at).toISOString(),
        agentId: entry.agentId,
        callQueueId: entry.callQueueId,
        entry: JSON.stringify(entry),
      },
      'Replace',
    ]);
    await submitInGroups(this.events, actions);
    await this.onLogged?.(tenantId, callId, entries);
  }
}

function encodeCall(c: StoredCall, outbox: readonly CallLogEntry[]): Entity {
  const s = callSummary(c.record);
  const entity: Entity = {
    partitionKey: '',
    rowKey: '',
    record: JSON.stringify(c.record),
    outbox: JSON.stringify(outbox),
    day: c.day,
    phase: callPhase(c.record),
    outcome: s.outcome,
    callQueueId: s.callQueueId,
    agentId: s.agentId,
    arrivedAt: s.arrivedAt !== undefined ? new Date(s.arrivedAt).toISOString() : undefined,
  };
  for (const k of Object.keys(entity)) if (entity[k] === undefined) delete entity[k];
  return entity;
}

function decodeCall(e: StoredEntity): { record: CallRecord; day: string; outbox: CallLogEntry[] } {
  return {
    record: JSON.parse(String(e.record)) as CallRecord,
    day: String(e.day),
    outbox: e.outbox ? (JSON.parse(String(e.outbox)) as CallLogEntry[]) : [],
  };
}
