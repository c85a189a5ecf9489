/**
 * Rate limits shared by every process of the app: a GCRA ("virtual scheduling") bucket per (scope, name) kept in a
 * table entity, so all function instances that talk to one tenant draw from one budget.
 *
 * The entity holds `tat`, the theoretical arrival time (epoch ms) at which everything reserved so far has drained.
 * With T = 1000 / perSecond and a burst of B slots, the i-th slot reserved after a base of max(tat, now) may be used at
 * base + i·T − B·T (never before now). A reservation moves `tat` forward by T per slot with an ETag-guarded write, so
 * two instances can never hand out the same slot. Within one process, callers that arrive while a write is in flight
 * are served together by the next write (one table round trip for many slots, none wasted).
 *
 * A caller states how long it is willing to wait (`maxWaitMs`); a slot further out than that is not reserved and the
 * caller is told how long to come back after (`retryAfterMs`), so an orchestration can wait with a durable timer.
 * Clocks of the instances are assumed NTP-close (Azure hosts are); skew only shifts slots by the skew.
 */
import type { TableClient } from '@azure/data-tables';
import { ensureTable, readEntity, statusOf, tableClient } from './tables';

export interface RateSpec {
  /** Sustained slots per second (> 0). */
  perSecond: number;
  /** Slots that may be used back to back after a quiet spell (≥ 1; default: one second's worth). */
  burst?: number;
}

export type Reservation = { granted: true; waitMs: number } | { granted: false; retryAfterMs: number };

interface Waiter {
  count: number;
  maxWaitMs: number;
  spec: RateSpec;
  resolve: (r: Reservation) => void;
  reject: (e: unknown) => void;
}

interface BucketState {
  /** Last known tat and its ETag (a write with it avoids a read when this process is the only writer). */
  tat: number;
  etag?: string;
  /** The entity exists (update) or not yet (insert). */
  exists: boolean;
  known: boolean;
  queue: Waiter[];
  busy: boolean;
}

export const RATE_BUCKETS_TABLE = 'rateBuckets';

/** Slots are handed out in order; each waiter's wait is computed from the bucket's state at the write. */
export function planReservations(
  tat: number,
  now: number,
  waiters: readonly Pick<Waiter, 'count' | 'maxWaitMs' | 'spec'>[],
): { tat: number; outcomes: Reservation[] } {
  const outcomes: Reservation[] = [];
  let base = Math.max(tat, now);
  let refusing = false;
  for (const w of waiters) {
    const interval = 1000 / w.spec.perSecond;
    const burst = Math.max(1, w.spec.burst ?? Math.ceil(w.spec.perSecond));
    // The waiter may start when its LAST slot is within the burst allowance.
    const startAt = base + w.count * interval - burst * interval;
    const waitMs = Math.max(0, Math.ceil(startAt - now));
    if (refusing || waitMs > w.maxWaitMs) {
      // Later waiters are refused too: granting them would let them overtake one that must come back later.
      refusing = true;
      outcomes.push({ granted: false, retryAfterMs: Math.max(1, waitMs) });
      continue;
    }
    base += w.count * interval;
    outcomes.push({ granted: true, waitMs });
  }
  return { tat: base, outcomes };
}

export class RateBuckets {
  private readonly buckets = new Map<string, BucketState>();

  constructor(
    private readonly client: TableClient,
    private readonly now: () => number = Date.now,
  ) {}

  static fromConnectionString(connectionString: string, tableName = RATE_BUCKETS_TABLE): RateBuckets {
    return new RateBuckets(tableClient(connectionString, tableName));
  }

  /**
   * Reserves `count` slots (default 1) in bucket `name` of `scope` (e.g. a tenant id). Granted: use them after
   * `waitMs`. Refused (the slot is more than `maxWaitMs` away): nothing was reserved; come back after `retryAfterMs`.
   */
  reserve(
    scope: string,
    name: string,
    spec: RateSpec,
    o: { count?: number; maxWaitMs?: number } = {},
  ): Promise<Reservation> {
    if (!(spec.perSecond > 0) || !Number.isFinite(spec.perSecond))
      throw new RangeError(`rate for ${scope}/${name} must be a positive number of slots per second`);
    const count = Math.max(1, Math.floor(o.count ?? 1));
    const key = `${scope.toLowerCase()}|${name}`;
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tat: 0, exists: false, known: false, queue: [], busy: false }));
    const b = bucket;
    return new Promise<Reservation>((resolve, reject) => {
      b.queue.push({ count, maxWaitMs: o.maxWaitMs ?? Number.POSITIVE_INFINITY, spec, resolve, reject });
      if (!b.busy) void this.drain(scope.toLowerCase(), name, b);
    });
  }

  private async drain(partitionKey: string, rowKey: string, b: BucketState): Promise<void> {
    b.busy = true;
    try {
      while (b.queue.length > 0) {
        const waiters = b.queue.splice(0, b.queue.length);
        try {
          const outcomes = await this.commit(partitionKey, rowKey, b, waiters);
          waiters.forEach((w, i) => w.resolve(outcomes[i]));
        } catch (e) {
          for (const w of waiters) w.reject(e);
        }
      }
    } finally {
      b.busy = false;
    }
  }

  /** One ETag-guarded write for the whole group; on a conflict, read and plan again. */
  private async commit(
    partitionKey: string,
    rowKey: string,
    b: BucketState,
    waiters: readonly Waiter[],
  ): Promise<Reservation[]> {
    await ensureTable(this.client);
    for (let attempt = 1; attempt <= 50; attempt++) {
      if (!b.known) await this.load(partitionKey, rowKey, b);
      const { tat, outcomes } = planReservations(b.tat, this.now(), waiters);
      if (tat === b.tat && b.exists) return outcomes; // nothing granted: nothing to write
      try {
        const entity = { partitionKey, rowKey, tat };
        const r = b.exists
          ? await this.client.updateEntity(entity, 'Replace', { etag: b.etag })
          : await this.client.createEntity(entity);
        b.tat = tat;
        b.etag = r.etag;
        b.exists = true;
        return outcomes;
      } catch (e) {
        const status = statusOf(e);
        if (status !== 412 && status !== 409) throw e;
        b.known = false; // another instance moved it: read again
      }
    }
    throw new Error(`rate bucket ${partitionKey}/${rowKey}: too much contention, gave up`);
  }

  private async load(partitionKey: string, rowKey: string, b: BucketState): Promise<void> {
    const e = await readEntity<{ tat?: number }>(this.client, partitionKey, rowKey);
    b.tat = typeof e?.tat === 'number' ? e.tat : 0;
    b.etag = e?.etag;
    b.exists = !!e;
    b.known = true;
  }
}
