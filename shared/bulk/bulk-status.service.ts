/**
 * A batch's status, results and cancel (`GET …/bulk/{batchId}`, `POST …/bulk/{batchId}/cancel`): counts are derived
 * from the rows; a Running row that joined a run it did not start takes its end from the endpoint.
 */
import type { BulkBatchStateView, BulkStatusView } from '../domain';
import { forEachLimited } from '../storage';
import type { BulkBatchesRepository, BulkRowRecord, BulkRowsRepository } from './bulk.repository';
import type { BulkEndpointReader } from './bulk-endpoints.port';
import { TERMINAL_ENDPOINT_STATUSES, finishedRow, rowView } from './bulk-row.rules';
import { bulkResultsCsv, type BulkResultRow } from './csv-output';
import { batchProgress } from './progress';

export type { BulkBatchStateView, BulkRowView, BulkStatusView } from '../domain';

export interface BulkStatusDependencies {
  rows: BulkRowsRepository;
  batches: BulkBatchesRepository;
  endpoints: Pick<BulkEndpointReader, 'get'>;
  now?: () => Date;
}

/** A Running row that joined a run it did not start is checked against its endpoint once it is this old. */
const RECONCILE_AFTER_MS = 5_000;

/**
 * Rows a caller may see: every row without a scope (admins), else the rows whose call queue (`queueId`) is in it
 * (a supervisor's call queues). Rows without a call queue belong to no supervisor.
 */
function scopeFilter(scope: readonly string[] | undefined): (r: BulkRowRecord) => boolean {
  if (!scope) return () => true;
  const ids = new Set(scope);
  return (r) => {
    const q = rowView(r).queueId;
    return q !== undefined && ids.has(q);
  };
}

export class BulkStatusService {
  private readonly now: () => Date;

  constructor(private readonly d: BulkStatusDependencies) {
    this.now = d.now ?? (() => new Date());
  }

  async status(
    tenantId: string,
    batchId: string,
    o: { rows?: boolean; top?: number; continuationToken?: string; scope?: readonly string[] } = {},
  ): Promise<BulkStatusView | undefined> {
    const batch = await this.d.batches.get(tenantId, batchId);
    if (!batch) return undefined;
    let rows = await this.d.rows.listAll(batchId);
    rows = await this.reconcile(rows);
    const inScope = scopeFilter(o.scope);
    rows = rows.filter(inScope);
    // A supervisor sees a batch only through its rows in their call queues: none there, no batch.
    if (o.scope && rows.length === 0) return undefined;
    const counted = rows.filter((r) => r.status !== 'Rejected');
    const progress = batchProgress(
      counted.map((r) => ({
        status: r.status as Exclude<BulkRowRecord['status'], 'Rejected'>,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
      })),
      this.now(),
    );
    const state: BulkBatchStateView =
      batch.state === 'Cancelled'
        ? 'Cancelled'
        : progress.done
          ? 'Completed'
          : progress.running + progress.completed > 0
            ? 'Running'
            : batch.state;
    const view: BulkStatusView = {
      batchId,
      total: o.scope ? rows.length : batch.total,
      accepted: o.scope ? counted.length : batch.accepted,
      pending: progress.pending,
      running: progress.running,
      succeeded: progress.succeeded,
      failed: progress.failed,
      cancelled: progress.cancelled,
      rejected: rows.length - counted.length,
      state,
      createdAt: batch.createdAt,
      createdBy: batch.createdBy,
      startedAt: progress.startedAt,
      endedAt: progress.endedAt,
      ratePerMinute: progress.ratePerMinute,
      etaMs: progress.etaMs,
      etaAt: progress.etaAt,
      percentComplete: progress.percentComplete,
    };
    if (o.rows) {
      if (o.top !== undefined || o.continuationToken) {
        const page = await this.d.rows.list(batchId, { top: o.top, continuationToken: o.continuationToken });
        const fresh = new Map(rows.map((r) => [r.row, r]));
        view.rows = page.items.filter(inScope).map((r) => rowView(fresh.get(r.row) ?? r));
        if (page.continuationToken) view.continuationToken = page.continuationToken;
      } else {
        view.rows = rows.sort((a, b) => a.row - b.row).map(rowView);
      }
    }
    return view;
  }

  /** The batch's rows (all of them, rejected ones included) as spreadsheet-safe CSV; undefined for an unknown batch. */
  async resultsCsv(tenantId: string, batchId: string, scope?: readonly string[]): Promise<string | undefined> {
    const batch = await this.d.batches.get(tenantId, batchId);
    if (!batch) return undefined;
    const rows = (await this.reconcile(await this.d.rows.listAll(batchId)))
      .filter(scopeFilter(scope))
      .sort((a, b) => a.row - b.row);
    if (scope && rows.length === 0) return undefined;
    return bulkResultsCsv(
      rows.map((r): BulkResultRow => {
        const v = rowView(r);
        return {
          row: v.row,
          userPrincipalName: v.userPrincipalName,
          displayName: v.displayName,
          phoneNumber: v.phoneNumber,
          numberType: v.numberType,
          queueId: v.queueId,
          status: v.status,
          objectId: v.objectId,
          error: v.error,
          startedAt: v.startedAt,
          endedAt: v.endedAt,
        };
      }),
      { bom: true },
    );
  }

  /** Cancels a batch: the header first (so no further row starts), then every row still Pending. */
  async cancel(tenantId: string, batchId: string, by: string): Promise<BulkStatusView | undefined> {
    const batch = await this.d.batches.update(tenantId, batchId, (b) =>
      b.state === 'Cancelled'
        ? undefined
        : { ...b, state: 'Cancelled', cancelledAt: this.now().toISOString(), cancelledBy: by },
    );
    if (!batch) return undefined;
    const pending = await this.d.rows.listAll(batchId, { status: 'Pending' });
    await forEachLimited(pending, 16, async (p) => {
      await this.d.rows.update(batchId, p.row, (r) =>
        r.status === 'Pending' ? { ...r, status: 'Cancelled', endedAt: this.now().toISOString() } : undefined,
      );
    });
    return this.status(tenantId, batchId);
  }

  /**
   * A Running row that joined a run it did not start (say one started by `POST …/endpoints` for the same endpoint,
   * which carries no row link) takes its end from the endpoint: checked on every read once it has run a while.
   */
  private async reconcile(rows: BulkRowRecord[]): Promise<BulkRowRecord[]> {
    const now = this.now();
    const stale = rows.filter(
      (r) =>
        r.status === 'Running' &&
        r.linked === false &&
        r.runId &&
        r.upnKey &&
        now.getTime() - (Date.parse(r.startedAt ?? '') || now.getTime()) > RECONCILE_AFTER_MS,
    );
    if (stale.length === 0) return rows;
    const updated = new Map<number, BulkRowRecord>();
    await forEachLimited(stale.slice(0, 200), 8, async (r) => {
      const endpoint = await this.d.endpoints.get(r.tenantId, r.upnKey as string);
      if (!endpoint || endpoint.runId !== r.runId || !TERMINAL_ENDPOINT_STATUSES.includes(endpoint.status)) return;
      const run = {
        runId: r.runId as string,
        status: endpoint.status,
        objectId: endpoint.objectId,
        error: endpoint.lastError,
      };
      const next = await this.d.rows.update(r.batchId, r.row, (current) => finishedRow(current, run, now));
      if (next) updated.set(r.row, next);
    });
    return rows.map((r) => updated.get(r.row) ?? r);
  }
}
