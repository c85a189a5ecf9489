// Scripted faults on the calls API (POST /_sim/faults/calls): the next `times` requests of one call operation (of one
// call, or of any) answer 429 / 503 / 504 with Retry-After as Graph does (docs: /graph/throttling, /graph/errors:
// "503 Service Unavailable … may include a Retry-After header") — or time out (the connection is held, then dropped)
// — optionally after the operation was carried out (`applied`: the side effect happened, the answer was lost), which
// is how a client learns that retrying is not always safe. Random faults are `errorProbability` /
// `throttleProbability`; these are deterministic, for tests of one command's retry.
import { SimError } from './types';

/** What the operation is called here: the action's last path segment, or deleteParticipant / deleteCall. */
export type CallOperationName = string;

export interface CallFaultRule {
  operation: CallOperationName;
  callId?: string;
  status: 429 | 503 | 504 | 'timeout';
  times: number;
  retryAfterS: number;
  applied: boolean;
}

export interface CallFaultHit {
  at: number;
  operation: CallOperationName;
  callId: string;
  status: CallFaultRule['status'];
  applied: boolean;
}

/** Every request of the calls API by operation and call, answered normally or faulted. */
export interface CallRequestRecord {
  at: number;
  operation: CallOperationName;
  callId: string;
  faulted: boolean;
}

const STATUSES = new Set([429, 503, 504, 'timeout']);

export function operationOf(method: string, path: string): { operation: CallOperationName; callId: string } | null {
  const m = /^\/communications\/calls\/([^/]+)(?:\/(.*))?$/.exec(path);
  if (!m) return null;
  const rest = m[2] ?? '';
  if (method === 'DELETE') return { callId: m[1], operation: rest ? 'deleteParticipant' : 'deleteCall' };
  if (method !== 'POST' || !rest) return null;
  return { callId: m[1], operation: rest.split('/').pop() ?? rest };
}

export class CallFaults {
  private rules: CallFaultRule[] = [];
  readonly hits: CallFaultHit[] = [];
  readonly requests: CallRequestRecord[] = [];

  add(body: unknown): CallFaultRule {
    const b = (body ?? {}) as Record<string, unknown>;
    const status = b.status === 'timeout' ? 'timeout' : Number(b.status ?? 503);
    if (typeof b.operation !== 'string' || !b.operation) throw new SimError(400, 'operation is required');
    if (!STATUSES.has(status)) throw new SimError(400, 'status must be 429, 503, 504 or "timeout"');
    const times = Number(b.times ?? 1);
    const retryAfterS = Number(b.retryAfterS ?? 1);
    if (!Number.isInteger(times) || times < 1 || times > 100) throw new SimError(400, 'times must be 1-100');
    if (!Number.isFinite(retryAfterS) || retryAfterS < 0 || retryAfterS > 600)
      throw new SimError(400, 'retryAfterS must be 0-600');
    const rule: CallFaultRule = {
      operation: b.operation,
      ...(typeof b.callId === 'string' ? { callId: b.callId } : {}),
      status: status as CallFaultRule['status'],
      times,
      retryAfterS,
      applied: b.applied === true,
    };
    this.rules.push(rule);
    return rule;
  }

  /** The fault this request meets (its rule counted down), or undefined; every request is recorded. */
  take(method: string, path: string): CallFaultRule | undefined {
    const op = operationOf(method, path);
    if (!op) return undefined;
    const rule = this.rules.find(
      (r) => r.times > 0 && r.operation === op.operation && (!r.callId || r.callId === op.callId),
    );
    this.requests.push({ at: Date.now(), ...op, faulted: !!rule });
    if (this.requests.length > 5000) this.requests.splice(0, this.requests.length - 5000);
    if (!rule) return undefined;
    rule.times--;
    this.hits.push({ at: Date.now(), ...op, status: rule.status, applied: rule.applied });
    return rule;
  }

  view(): { rules: CallFaultRule[]; hits: CallFaultHit[]; requests: CallRequestRecord[] } {
    return {
      rules: this.rules.filter((r) => r.times > 0).map((r) => ({ ...r })),
      hits: this.hits.map((h) => ({ ...h })),
      requests: this.requests.map((r) => ({ ...r })),
    };
  }

  reset(): void {
    this.rules = [];
    this.hits.length = 0;
    this.requests.length = 0;
  }
}
