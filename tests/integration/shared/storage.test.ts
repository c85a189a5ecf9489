jest.setTimeout(60_000);

import { randomUUID } from 'node:crypto';
import { DriftScansRepository, scanWithNothingCounted } from '../../../shared/drift';
import { EndpointStepsRepository, EndpointsRepository } from '../../../shared/provisioning';
import {
  ConcurrencyError,
  decodeKey,
  encodeKey,
  tableClient,
  updateWithEtag,
  ensureTable,
} from '../../../shared/storage';
import { TableStorage, tableStorage } from '../../support/azurite-tables';

let storage: TableStorage;
const suffix = randomUUID().replace(/-/g, '').slice(0, 12);
const tenant = randomUUID();

beforeAll(async () => {
  storage = await tableStorage();
});
afterAll(async () => {
  await storage?.stop();
});

const desired = (upn: string, displayName = 'Sales') => ({
  userPrincipalName: upn,
  displayName,
  applicationId: '22222222-2222-2222-2222-222222222222',
});

describe('keys', () => {
  it('encodes the characters Azure Table keys forbid, reversibly', () => {
    const raw = 'a/b\\c#d?e%f|g';
    const enc = encodeKey(raw);
    expect(enc).not.toMatch(/[/\\#?]/);
    expect(decodeKey(enc)).toBe(raw);
  });
});

describe('EndpointsRepository', () => {
  let repo: EndpointsRepository;
  beforeAll(() => {
    repo = new EndpointsRepository(storage.connectionString, { tableName: `endpoints${suffix}` });
  });

  it('creates, reads back (case-insensitive UPN) and is idempotent on repeat', async () => {
    const first = await repo.putDesired(tenant, desired('CC#Sales@Contoso.com'));
    expect(first.created).toBe(true);
    expect(first.record).toMatchObject({ upnKey: 'cc#sales@contoso.com', status: 'Pending' });
    const again = await repo.putDesired(tenant, desired('cc#sales@contoso.com', 'Sales 2'));
    expect(again.created).toBe(false);
    const read = await repo.get(tenant, 'CC#SALES@contoso.com');
    expect(read?.desired.displayName).toBe('Sales 2');
    expect(read?.etag).toBeTruthy();
    expect(await repo.get(tenant, 'nobody@contoso.com')).toBeUndefined();
  });

  it('ETag conflicts reload and retry, so concurrent updates all land', async () => {
    const upn = 'concurrent@contoso.com';
    await repo.putDesired(tenant, desired(upn));
    const writers = 8;
    await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        repo.update(tenant, upn, (cur) => {
          if (!cur) throw new Error('missing');
          const seen = cur.actual?.queueId ? cur.actual.queueId.split(',') : [];
          return { ...cur, actual: { ...cur.actual, queueId: [...seen, `w${i}`].join(',') } };
        }),
      ),
    );
    const final = await repo.get(tenant, upn);
    expect(final?.actual?.queueId?.split(',').sort()).toEqual(
      Array.from({ length: writers }, (_, i) => `w${i}`).sort(),
    );
  });

  it('a stale ETag is detected (412) and the helper converges by re-applying the change', async () => {
    const upn = 'stale@contoso.com';
    await repo.putDesired(tenant, desired(upn));
    const { partitionKey, rowKey } = EndpointsRepository.keys(tenant, upn);
    let calls = 0;
    await updateWithEtag(repo.client, partitionKey, rowKey, async (cur) => {
      calls++;
      // Someone else writes between our first read and our write, so the first write must fail with 412.
      if (calls === 1) await repo.patch(tenant, upn, { status: 'Provisioning' });
      return cur ? { ...cur, partitionKey, rowKey, objectId: `obj-${calls}` } : undefined;
    });
    expect(calls).toBe(2);
    const final = await repo.get(tenant, upn);
    expect(final).toMatchObject({ objectId: 'obj-2', status: 'Provisioning' });
  });

  it('gives up with ConcurrencyError when every attempt conflicts', async () => {
    const upn = 'hot@contoso.com';
    await repo.putDesired(tenant, desired(upn));
    const { partitionKey, rowKey } = EndpointsRepository.keys(tenant, upn);
    let calls = 0;
    await expect(
      updateWithEtag(
        repo.client,
        partitionKey,
        rowKey,
        async (cur) => {
          calls++;
          await repo.patch(tenant, upn, { runId: `interloper-${calls}` });
          return cur ? { ...cur, partitionKey, rowKey, lastError: 'mine' } : undefined;
        },
        { maxAttempts: 3, sleep: async () => undefined },
      ),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(calls).toBe(3);
    expect((await repo.get(tenant, upn))?.lastError).toBeUndefined();
  });

  it('lists a tenant page by page with an opaque continuation token', async () => {
    const t2 = randomUUID();
    const upns = Array.from({ length: 7 }, (_, i) => `list${i}@contoso.com`);
    for (const u of upns) await repo.putDesired(t2, desired(u));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await repo.list(t2, { top: 3, continuationToken: token });
      seen.push(...page.items.map((i) => i.upnKey));
      token = page.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(seen).toEqual(upns);
    expect(pages).toBe(3);
  });

  it('deletes', async () => {
    await repo.putDesired(tenant, desired('gone@contoso.com'));
    expect(await repo.delete(tenant, 'gone@contoso.com')).toBe(true);
    expect(await repo.delete(tenant, 'gone@contoso.com')).toBe(false);
  });
});

describe('EndpointStepsRepository', () => {
  it('keeps each run in sequence order, separately', async () => {
    const steps = new EndpointStepsRepository(storage.connectionString, { tableName: `endpointSteps${suffix}` });
    const upn = 'steps@contoso.com';
    const names = [
      'checkConsent',
      'ensureApplicationInstance',
      'syncApplicationInstance',
      'ensureUsageLocation',
      'ensureLicense',
      'assignNumber',
      'bindToQueue',
      'recordProvisioned',
      'x9',
      'x10',
      'x11',
    ];
    for (let seq = names.length - 1; seq >= 0; seq--) {
      await steps.put(tenant, upn, {
        runId: 'provision:run/1',
        seq,
        step: names[seq],
        status: 'Succeeded',
        attempts: 1,
      });
    }
    await steps.put(tenant, upn, {
      runId: 'provision:run/2',
      seq: 0,
      step: 'checkConsent',
      status: 'Failed',
      attempts: 3,
      error: 'missing consent',
    });
    const run1 = await steps.list(tenant, upn, 'provision:run/1');
    expect(run1.map((s) => s.step)).toEqual(names);
    expect(run1[0]).toMatchObject({ runId: 'provision:run/1', seq: 0, status: 'Succeeded', attempts: 1 });
    const run2 = await steps.list(tenant, upn, 'provision:run/2');
    expect(run2).toEqual([
      {
        runId: 'provision:run/2',
        seq: 0,
        step: 'checkConsent',
        status: 'Failed',
        attempts: 3,
        error: 'missing consent',
        startedAt: undefined,
        endedAt: undefined,
      },
    ]);
    expect(await steps.list(tenant, upn)).toHaveLength(names.length + 1);
  });

  it('writes many steps at once, in groups of 100, replacing the ones already there', async () => {
    const steps = new EndpointStepsRepository(storage.connectionString, { tableName: `endpointSteps${suffix}` });
    const upn = 'many-steps@contoso.com';
    const step = (seq: number, status: 'Running' | 'Succeeded') => ({
      runId: 'run-many',
      seq,
      step: `step${seq}`,
      status,
      attempts: status === 'Running' ? 0 : 1,
    });
    await steps.putAll(tenant, upn, [step(0, 'Running'), step(1, 'Running')]);
    await steps.putAll(
      tenant,
      upn,
      Array.from({ length: 230 }, (_, seq) => step(seq, 'Succeeded')),
    );
    await steps.putAll(tenant, upn, []);
    const run = await steps.list(tenant, upn, 'run-many');
    expect(run).toHaveLength(230);
    expect(run.map((s) => s.seq)).toEqual(Array.from({ length: 230 }, (_, i) => i));
    expect(run.every((s) => s.status === 'Succeeded' && s.attempts === 1)).toBe(true);
  });
});

describe('DriftScansRepository', () => {
  it('prunes exactly the scans started before the cut-off, of that tenant only, over many transactions', async () => {
    const scans = new DriftScansRepository(storage.connectionString, { tableName: `driftScans${suffix}` });
    const other = randomUUID();
    const cutoff = Date.parse('2026-06-01T00:00:00.000Z');
    const scan = (tenantId: string, startedAt: number, scanId: string) =>
      scanWithNothingCounted({
        scanId,
        tenantId,
        trigger: 'timer',
        status: 'completed',
        startedAt: new Date(startedAt).toISOString(),
      });
    const hour = 3_600_000;
    // 150 scans before the cut-off (the last 1 ms before it), one exactly at it, 20 after; the other tenant's old one.
    const before = Array.from({ length: 150 }, (_, i) => scan(tenant, cutoff - 1 - i * hour, `old-${i}`));
    const kept = [
      scan(tenant, cutoff, 'at-cutoff'),
      ...Array.from({ length: 20 }, (_, i) => scan(tenant, cutoff + (i + 1) * hour, `new-${i}`)),
    ];
    const otherTenant = scan(other, cutoff - 10 * hour, 'other-old');
    for (const s of [...before, ...kept, otherTenant]) await scans.put(s);

    expect(await scans.prune(tenant, new Date(cutoff))).toBe(150);
    const left = await scans.latest(tenant, 100);
    expect(left.map((s) => s.scanId)).toEqual([...kept].reverse().map((s) => s.scanId));
    expect((await scans.latest(other, 5)).map((s) => s.scanId)).toEqual(['other-old']);
    expect(await scans.prune(tenant, new Date(cutoff))).toBe(0);
  });
});

describe('tables', () => {
  it('ensureTable is idempotent', async () => {
    const c = tableClient(storage.connectionString, `idem${suffix}`);
    await ensureTable(c);
    await ensureTable(c);
    await expect(c.createTable()).resolves.toBeUndefined();
  });
  it('updateWithEtag starts from the row as last written (`first`), and reads again when that row is stale', async () => {
    const c = tableClient(storage.connectionString, `first${suffix}`);
    await ensureTable(c);
    const pk = 'p';
    const bump = (by: number) => async (cur: Record<string, unknown> | undefined) => ({
      partitionKey: pk,
      rowKey: 'r',
      n: Number(cur?.n ?? 0) + by,
    });
    const w1 = await updateWithEtag(c, pk, 'r', bump(1));
    const first = { ...w1!.entity, etag: w1!.etag };
    // Current: the write from `first` goes through, and builds on it.
    const seen: unknown[] = [];
    const w2 = await updateWithEtag(c, pk, 'r', async (cur) => (seen.push(cur?.n), bump(10)(cur)), { first });
    expect(seen).toEqual([1]);
    expect((await c.getEntity(pk, 'r')).n).toBe(11);
    // Stale (`first` is the row before w2): its write fails 412, the row is read again, nothing is lost.
    const stale: unknown[] = [];
    await updateWithEtag(c, pk, 'r', async (cur) => (stale.push(cur?.n), bump(100)(cur)), { first });
    expect(stale).toEqual([1, 11]);
    expect((await c.getEntity(pk, 'r')).n).toBe(111);
    // "No change" is not believed of a stale `first`: the row is read and decided again.
    const decided: unknown[] = [];
    await updateWithEtag(
      c,
      pk,
      'r',
      async (cur) => (decided.push(cur?.n), cur?.n === 111 ? bump(1000)(cur) : undefined),
      { first: { ...w2!.entity, etag: w2!.etag } },
    );
    expect(decided).toEqual([11, 111]);
    expect((await c.getEntity(pk, 'r')).n).toBe(1111);
  });
  it('exports ConcurrencyError', () => {
    expect(new ConcurrencyError('x')).toBeInstanceOf(Error);
  });
});
