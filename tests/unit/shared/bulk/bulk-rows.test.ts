/** Pure rules of bulk rows: how a run's end lands on its row, batch ids from Idempotency-Keys, queue references. */
import fc from 'fast-check';
import {
  batchIdForKey,
  chunkRefs,
  finishedRow,
  parseQueueMessage,
  parseRowRef,
  ROWS_PER_CHUNK,
  type BulkRowRecord,
} from '../../../../shared/bulk';

const NOW = new Date('2026-01-02T03:04:05.000Z');
const TENANT = '8f2c2a5e-5b8e-4f0e-9a43-0c5b1d3e7a11';

function row(over: Partial<BulkRowRecord> = {}): BulkRowRecord {
  return { batchId: 'b1', row: 7, tenantId: TENANT, input: {}, status: 'Running', runId: 'run-a', ...over };
}

describe('finishedRow', () => {
  it('records Provisioned as Succeeded and Failed with its error, keeping the start', () => {
    const started = row({ startedAt: '2026-01-02T03:00:00.000Z' });
    expect(finishedRow(started, { runId: 'run-a', status: 'Provisioned', objectId: 'o1' }, NOW)).toMatchObject({
      status: 'Succeeded',
      objectId: 'o1',
      error: undefined,
      startedAt: '2026-01-02T03:00:00.000Z',
      endedAt: NOW.toISOString(),
    });
    expect(finishedRow(started, { runId: 'run-a', status: 'Failed', error: 'no licence' }, NOW)).toMatchObject({
      status: 'Failed',
      error: 'no licence',
    });
  });

  it('is idempotent and never touches rejected rows, other runs, or non-terminal statuses', () => {
    const done = finishedRow(row(), { runId: 'run-a', status: 'Provisioned' }, NOW)!;
    expect(finishedRow(done, { runId: 'run-a', status: 'Provisioned' }, NOW)).toBeUndefined();
    expect(finishedRow(row({ status: 'Rejected' }), { runId: 'run-a', status: 'Failed' }, NOW)).toBeUndefined();
    expect(finishedRow(row({ runId: 'run-b' }), { runId: 'run-a', status: 'Provisioned' }, NOW)).toBeUndefined();
    expect(finishedRow(row(), { runId: 'run-a', status: 'Provisioning' }, NOW)).toBeUndefined();
  });

  it('finishes a row the run ended before the trigger recorded it Running (no run id yet), or that a cancel lost', () => {
    for (const status of ['Pending', 'Cancelled'] as const) {
      expect(
        finishedRow(row({ status, runId: undefined }), { runId: 'run-a', status: 'Provisioned' }, NOW),
      ).toMatchObject({ status: 'Succeeded', runId: 'run-a', startedAt: NOW.toISOString() });
    }
  });
});

describe('batchIdForKey', () => {
  it('is a stable GUID-shaped id per (tenant, key), tenant case-insensitive, distinct across keys and tenants', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 40 }), (a, b) => {
        const id = batchIdForKey(TENANT, a);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(batchIdForKey(TENANT.toUpperCase(), a)).toBe(id);
        if (a !== b) expect(batchIdForKey(TENANT, b)).not.toBe(id);
        expect(batchIdForKey('00000000-0000-0000-0000-000000000000', a)).not.toBe(id);
      }),
    );
  });
});

describe('parseRowRef', () => {
  it('takes a reference as text or as the parsed JSON the host hands over', () => {
    const ref = { tenantId: TENANT, batchId: 'a1b2-c3', row: 12 };
    expect(parseRowRef(ref)).toEqual({ ok: true, ref });
    expect(parseRowRef(JSON.stringify(ref))).toEqual({ ok: true, ref });
    const paced = { ...ref, slotAt: '2026-01-02T03:04:05.000Z' };
    expect(parseRowRef(paced)).toEqual({ ok: true, ref: paced });
  });

  it('says why a message is not a reference', () => {
    const reasons = [
      'not json',
      { tenantId: 'nope', batchId: 'b', row: 1 },
      { tenantId: TENANT, batchId: 'b', row: 0 },
      { tenantId: TENANT, batchId: 'b/../x', row: 1 },
      { tenantId: TENANT, batchId: 'b', row: 1, extra: true },
      { tenantId: TENANT, batchId: 'b', row: 1, slotAt: 'soon' },
      [1, 2],
      null,
    ].map((m) => parseRowRef(m));
    for (const r of reasons) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(5);
    }
  });
});

describe('chunk messages', () => {
  it('cover every given row exactly once, 100 rows a chunk, in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { maxLength: 600 }), (rows) => {
        const chunks = chunkRefs(TENANT, 'b', rows);
        expect(chunks).toHaveLength(Math.ceil(rows.length / ROWS_PER_CHUNK));
        const sorted = [...rows].sort((a, b) => a - b);
        const covered = chunks.flatMap((c) => sorted.filter((r) => r >= c.fromRow && r <= c.toRow));
        expect(covered).toEqual(sorted);
        for (let i = 1; i < chunks.length; i++) expect(chunks[i].fromRow).toBeGreaterThan(chunks[i - 1].toRow);
      }),
    );
  });

  it('are told apart from row references, and checked', () => {
    const chunk = { tenantId: TENANT, batchId: 'b', fromRow: 1, toRow: 100 };
    expect(parseQueueMessage(chunk)).toEqual({ ok: true, kind: 'chunk', chunk });
    expect(parseQueueMessage({ ...chunk, fromRow: 101 }).ok).toBe(false);
    expect(parseRowRef(chunk).ok).toBe(false);
  });
});
