/**
 * Drift state in Table storage.
 * - `driftFindings`: PartitionKey = tenantId, RowKey = `{subject}|{kind}` (subject: the endpoint's UPN key, or
 *   `app:{applicationId}` for consent). firstSeen, lastSeen, resolvedAt, expected vs actual, and the remediation
 *   started for it. Written with ETags: a scan and a remediation may update one row at once.
 * - `driftScans`: PartitionKey = tenantId, RowKey = inverted start time + scan id, so the newest scan sorts first.
 *   Each scan's summary (counts, unknown facts, requests used, remediation started).
 */
import { TableClient, odata, type TransactionAction } from '@azure/data-tables';
import type { StoredFinding } from './lifecycle';
import type { DriftKind, DriftValue } from './kinds';
import type { UnknownReasonCode } from './observed';
import type { DriftScanView } from '../domain';
import {
  compositeKey,
  encodeKey,
  forEachLimited,
  EtagUpdateOptions,
  ensureTable,
  properties,
  readEntity,
  submitInGroups,
  tableClient,
  updateWithEtag,
} from '../storage';

/** A remediation started for a finding: the provisioning run that should fix it. */
export interface FindingRemediation {
  runId: string;
  startedAt: string;
  scanId: string;
}

export interface FindingRecord extends StoredFinding {
  tenantId: string;
  /** The endpoint's UPN as requested (the subject is its lower-cased key); absent for consent findings. */
  userPrincipalName?: string;
  /** The scan that last wrote the finding. */
  scanId?: string;
  remediation?: FindingRemediation;
}

/** A scan's record, as `GET …/drift` shows it (`lastScan`). */
export type ScanSummary = DriftScanView<DriftKind, UnknownReasonCode>;

/** A scan's record before it counted anything (or one that failed before it could): every count at zero. */
export function scanWithNothingCounted(
  scan: Pick<ScanSummary, 'scanId' | 'tenantId' | 'trigger' | 'status' | 'startedAt'> & Partial<ScanSummary>,
): ScanSummary {
  return {
    scanned: 0,
    apps: 0,
    findings: { open: 0, opened: 0, refreshed: 0, resolved: 0, keptUnknown: 0 },
    unknown: { count: 0, byReason: {}, sample: [] },
    requests: { graph: 0, bridge: 0, total: 0, planned: 0 },
    remediation: { enabled: false, started: [], skipped: [] },
    ...scan,
  };
}

const MAX_TICKS = 9_999_999_999_999;

function findingFromEntity(e: Record<string, unknown>): FindingRecord {
  const p = properties(e);
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : undefined);
  const parse = <T>(k: string): T | undefined =>
    str(k) !== undefined ? (JSON.parse(str(k) as string) as T) : undefined;
  return {
    tenantId: str('tenantId') ?? '',
    subject: str('subject') ?? '',
    kind: (str('kind') ?? '') as DriftKind,
    expected: parse<DriftValue>('expected') ?? null,
    actual: parse<DriftValue>('actual') ?? null,
    message: str('message') ?? '',
    firstSeen: str('firstSeen') ?? '',
    lastSeen: str('lastSeen') ?? '',
    resolvedAt: str('resolvedAt') ?? null,
    scanId: str('scanId'),
    userPrincipalName: str('userPrincipalName'),
    remediation: parse<FindingRemediation>('remediation'),
  };
}

function findingToEntity(r: FindingRecord): Record<string, unknown> {
  const e: Record<string, unknown> = {
    tenantId: r.tenantId,
    subject: r.subject,
    kind: r.kind,
    expected: JSON.stringify(r.expected ?? null),
    actual: JSON.stringify(r.actual ?? null),
    message: r.message.slice(0, 4000),
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
  };
  if (r.resolvedAt) e.resolvedAt = r.resolvedAt;
  if (r.scanId) e.scanId = r.scanId;
  if (r.userPrincipalName) e.userPrincipalName = r.userPrincipalName;
  if (r.remediation) e.remediation = JSON.stringify(r.remediation);
  return e;
}

/** Findings written at once by a scan. */
const WRITE_CONCURRENCY = 8;

export class DriftFindingsRepository {
  readonly client: TableClient;

  constructor(
    connectionString: string,
    private readonly o: { tableName?: string; etag?: EtagUpdateOptions } = {},
  ) {
    this.client = tableClient(connectionString, o.tableName ?? 'driftFindings');
  }

  static keys(tenantId: string, subject: string, kind: string): { partitionKey: string; rowKey: string } {
    return { partitionKey: encodeKey(tenantId.toLowerCase()), rowKey: compositeKey(subject, kind) };
  }

  /** Every finding of a tenant (open and resolved). */
  async list(tenantId: string): Promise<FindingRecord[]> {
    await ensureTable(this.client);
    const pk = encodeKey(tenantId.toLowerCase());
    const out: FindingRecord[] = [];
    for await (const e of this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${pk}` },
    })) {
      out.push(findingFromEntity(e));
    }
    return out;
  }

  /** Writes the findings a scan changed, a few at a time (each one ETag-guarded, see {@link put}). */
  async putAll(
    tenantId: string,
    findings: readonly StoredFinding[],
    scanId: string,
    userPrincipalNameOf: (subject: string) => string | undefined,
  ): Promise<void> {
    await forEachLimited(findings, WRITE_CONCURRENCY, (f) =>
      this.put(tenantId, f, scanId, userPrincipalNameOf(f.subject)),
    );
  }

  /**
   * Writes a finding as the lifecycle computed it. ETag-guarded read-modify-write: the remediation recorded on the
   * stored row is kept while it is the same incident (same firstSeen) and dropped for a new one.
   */
  async put(tenantId: string, finding: StoredFinding, scanId: string, userPrincipalName?: string): Promise<void> {
    await ensureTable(this.client);
    const { partitionKey, rowKey } = DriftFindingsRepository.keys(tenantId, finding.subject, finding.kind);
    await updateWithEtag(
      this.client,
      partitionKey,
      rowKey,
      (current) => {
        const prior = current ? findingFromEntity(current) : undefined;
        const remediation = prior && prior.firstSeen === finding.firstSeen ? prior.remediation : undefined;
        return {
          partitionKey,
          rowKey,
          ...findingToEntity({
            tenantId: tenantId.toLowerCase(),
            ...finding,
            scanId,
            userPrincipalName: userPrincipalName ?? prior?.userPrincipalName,
            remediation,
          }),
        };
      },
      this.o.etag,
    );
  }

  /** Records on an open finding that a remediation run was started for it (no-op when the row is gone or resolved). */
  async recordRemediation(
    tenantId: string,
    subject: string,
    kind: DriftKind,
    remediation: FindingRemediation,
  ): Promise<void> {
    await ensureTable(this.client);
    const { partitionKey, rowKey } = DriftFindingsRepository.keys(tenantId, subject, kind);
    await updateWithEtag(
      this.client,
      partitionKey,
      rowKey,
      (current) => {
        if (!current) return undefined;
        const f = findingFromEntity(current);
        if (f.resolvedAt) return undefined;
        return { partitionKey, rowKey, ...findingToEntity({ ...f, remediation }) };
      },
      this.o.etag,
    );
  }
}

/** The summary as stored: lists are cut when the text would pass Table storage's 32K-character property limit. */
function summaryText(summary: ScanSummary): string {
  const text = JSON.stringify(summary);
  if (text.length <= 30_000) return text;
  return JSON.stringify({
    ...summary,
    unknown: { ...summary.unknown, sample: summary.unknown.sample.slice(0, 5) },
    remediation: {
      ...summary.remediation,
      started: summary.remediation.started.slice(0, 50),
      skipped: summary.remediation.skipped.slice(0, 50),
    },
    truncated: true,
  });
}

const invertedTime = (t: number) => String(MAX_TICKS - t).padStart(13, '0');

function scanRowKey(startedAt: string, scanId: string): string {
  const t = Date.parse(startedAt);
  return `${invertedTime(Number.isFinite(t) ? t : 0)}|${encodeKey(scanId)}`;
}

export class DriftScansRepository {
  readonly client: TableClient;

  constructor(connectionString: string, o: { tableName?: string } = {}) {
    this.client = tableClient(connectionString, o.tableName ?? 'driftScans');
  }

  /** Inserts or replaces a scan's summary (one activity owns a scan at a time, so no ETag is needed). */
  async put(summary: ScanSummary): Promise<void> {
    await ensureTable(this.client);
    await this.client.upsertEntity(
      {
        partitionKey: encodeKey(summary.tenantId.toLowerCase()),
        rowKey: scanRowKey(summary.startedAt, summary.scanId),
        scanId: summary.scanId,
        startedAt: summary.startedAt,
        status: summary.status,
        summary: summaryText(summary),
      },
      'Replace',
    );
  }

  async get(tenantId: string, scanId: string, startedAt: string): Promise<ScanSummary | undefined> {
    await ensureTable(this.client);
    const e = await readEntity(this.client, encodeKey(tenantId.toLowerCase()), scanRowKey(startedAt, scanId));
    return e && (JSON.parse(String(e.summary)) as ScanSummary);
  }

  /**
   * Deletes the tenant's scans started before `before` (row keys are inverted start times: one range query for exactly
   * those rows, deleted 100 to a transaction). Returns how many were deleted.
   */
  async prune(tenantId: string, before: Date): Promise<number> {
    await ensureTable(this.client);
    const pk = encodeKey(tenantId.toLowerCase());
    // A scan started before `before` has a larger inverted time: its row key sorts at or after this bound.
    const from = invertedTime(before.getTime() - 1);
    const keys: string[] = [];
    for await (const e of this.client.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${pk} and RowKey ge ${from}`, select: ['RowKey'] },
    })) {
      keys.push(String(e.rowKey));
    }
    await submitInGroups(
      this.client,
      keys.map((rowKey): TransactionAction => ['delete', { partitionKey: pk, rowKey }]),
    );
    return keys.length;
  }

  /** The newest scans of a tenant, newest first. */
  async latest(tenantId: string, top = 1): Promise<ScanSummary[]> {
    await ensureTable(this.client);
    const pk = encodeKey(tenantId.toLowerCase());
    const pages = this.client
      .listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${pk}` } })
      .byPage({ maxPageSize: Math.max(1, Math.min(100, top)) });
    const { value } = await pages.next();
    if (!value) return [];
    return (value as Record<string, unknown>[]).slice(0, top).map((e) => JSON.parse(String(e.summary)) as ScanSummary);
  }
}
