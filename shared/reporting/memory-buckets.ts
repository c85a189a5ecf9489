/**
 * Buckets held in memory, read through the same {@link BucketReader} the report service uses: for pure tests, and
 * for what a full scan of the contact records computes (the bench's baseline, checks against the tables).
 */
import {
  AgentStateSpan,
  CallbackCompletion,
  Contribution,
  Dimension,
  Grain,
  callbackContribution,
  contactContribution,
  mergeContributions,
  stateSpanContribution,
} from './aggregate.rules';
import { ContactRecord } from './contact-record';
import { Metrics, emptyMetrics, mergeMetrics } from './metrics';

/** What reports read: the dimensions that have buckets, and one dimension's buckets in [from, to). */
export interface BucketReader {
  listDimensions(tenantId: string, kind: 'cq' | 'agent'): Promise<string[]>;
  readBuckets(
    tenantId: string,
    d: Dimension,
    grain: Grain,
    from: number,
    to: number,
  ): Promise<{ start: number; metrics: Metrics }[]>;
}

export class MemoryBuckets implements BucketReader {
  readonly cells: Contribution = new Map();
  private readonly applied = new Set<string>();

  /** Merges a contact record once per call id (a second delivery changes nothing). */
  addContact(r: ContactRecord): boolean {
    if (this.applied.has(`call|${r.callId}`)) return false;
    this.applied.add(`call|${r.callId}`);
    mergeContributions(this.cells, contactContribution(r));
    return true;
  }

  /** Merges a completed callback once per callback id. */
  addCallback(c: CallbackCompletion): boolean {
    if (this.applied.has(`callback|${c.callbackId}`)) return false;
    this.applied.add(`callback|${c.callbackId}`);
    mergeContributions(this.cells, callbackContribution(c));
    return true;
  }

  addAgentState(s: AgentStateSpan): boolean {
    const id = `state|${s.agentId}|${s.from}`;
    if (this.applied.has(id)) return false;
    this.applied.add(id);
    mergeContributions(this.cells, stateSpanContribution(s));
    return true;
  }

  async listDimensions(_tenantId: string, kind: 'cq' | 'agent'): Promise<string[]> {
    const ids = new Set<string>();
    for (const c of this.cells.values())
      if (c.dimension.kind === kind) ids.add(c.dimension.kind === 'cq' ? c.dimension.callQueueId : c.dimension.agentId);
    return [...ids].sort();
  }

  async readBuckets(
    _tenantId: string,
    d: Dimension,
    grain: Grain,
    from: number,
    to: number,
  ): Promise<{ start: number; metrics: Metrics }[]> {
    const out: { start: number; metrics: Metrics }[] = [];
    for (const c of this.cells.values()) {
      if (c.grain !== grain || c.start < from || c.start >= to || !sameDimension(c.dimension, d)) continue;
      out.push({ start: c.start, metrics: mergeMetrics(emptyMetrics(), c.metrics) });
    }
    return out.sort((a, b) => a.start - b.start);
  }
}

function sameDimension(a: Dimension, b: Dimension): boolean {
  if (a.kind === 'cq' && b.kind === 'cq') return a.callQueueId === b.callQueueId;
  if (a.kind === 'agent' && b.kind === 'agent') return a.agentId === b.agentId && a.scope === b.scope;
  return false;
}
