/**
 * The findings lifecycle: from the stored findings and a new scan, the rows to upsert into driftFindings.
 *
 * One row per `{subject}|{kind}`. For each key:
 * - in the scan's findings, no open row (none, or resolved)  → OPENED:    firstSeen = lastSeen = now, resolvedAt null
 *   (a resolved finding that comes back is a new incident: a new firstSeen);
 * - in the scan's findings, open row                         → REFRESHED: lastSeen = now, expected/actual/message
 *   from the scan (the actual value may have moved on), firstSeen kept;
 * - open row, not in the findings, fact evaluated            → RESOLVED:  resolvedAt = now (lastSeen kept: the
 *   last time it was seen drifting);
 * - open row, fact unknown or not part of this scan          → KEPT:      untouched (not written);
 * - resolved row not in the findings                         → untouched.
 * A key the scan lists as unknown is unknown even if a finding for it slipped in: unknown is never drift.
 * Rows of subjects that no longer exist (deprovisioned endpoints) are resolved only when the caller names them in
 * `retiredSubjects`.
 *
 * Idempotent: applying the same scan again (to the stored result of the first application) changes only lastSeen.
 */
import { DriftFinding, findingKey } from './kinds';
import type { DriftScan } from './compare';

export interface StoredFinding extends DriftFinding {
  /** ISO instants. */
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
}

export interface FindingsUpdate {
  /** Rows to write (each complete). */
  upserts: StoredFinding[];
  /** findingKeys, by what happened to them. */
  opened: string[];
  refreshed: string[];
  resolved: string[];
  /** Open findings left untouched because their fact was unknown (or not part of this scan). */
  keptUnknown: string[];
}

export interface ApplyScanOptions {
  /** Subjects no longer provisioned: their open findings are resolved. */
  retiredSubjects?: Iterable<string>;
}

const keyOf = (f: Pick<DriftFinding, 'subject' | 'kind'>) => findingKey(f.subject, f.kind);
const isOpen = (f: StoredFinding) => f.resolvedAt === null || f.resolvedAt === undefined;

export function applyScan(
  previous: readonly StoredFinding[],
  scan: DriftScan,
  now: string,
  options: ApplyScanOptions = {},
): FindingsUpdate {
  const unknown = new Set(scan.unknown.map(keyOf));
  const evaluated = new Set(scan.evaluated);
  const current = new Map<string, DriftFinding>();
  for (const f of scan.findings) {
    const key = keyOf(f);
    if (unknown.has(key)) continue;
    current.set(key, f);
    evaluated.add(key);
  }
  const retired = new Set(options.retiredSubjects ?? []);
  const before = new Map<string, StoredFinding>();
  for (const p of previous) before.set(keyOf(p), p);

  const update: FindingsUpdate = { upserts: [], opened: [], refreshed: [], resolved: [], keptUnknown: [] };
  for (const [key, f] of current) {
    const prior = before.get(key);
    const finding = { subject: f.subject, kind: f.kind, expected: f.expected, actual: f.actual, message: f.message };
    if (prior && isOpen(prior)) {
      update.upserts.push({ ...finding, firstSeen: prior.firstSeen, lastSeen: now, resolvedAt: null });
      update.refreshed.push(key);
    } else {
      update.upserts.push({ ...finding, firstSeen: now, lastSeen: now, resolvedAt: null });
      update.opened.push(key);
    }
  }
  for (const [key, prior] of before) {
    if (current.has(key) || !isOpen(prior)) continue;
    if (retired.has(prior.subject) || (evaluated.has(key) && !unknown.has(key))) {
      update.upserts.push({ ...prior, resolvedAt: now });
      update.resolved.push(key);
    } else update.keptUnknown.push(key);
  }
  return update;
}

/** The stored rows after an update (previous rows replaced by their upserts): what a table would now hold. */
export function applyUpdate(previous: readonly StoredFinding[], update: FindingsUpdate): StoredFinding[] {
  const rows = new Map<string, StoredFinding>();
  for (const p of previous) rows.set(keyOf(p), p);
  for (const u of update.upserts) rows.set(keyOf(u), u);
  return [...rows.values()];
}
