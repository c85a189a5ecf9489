// Small helpers shared by the simulator's modules: deterministic ids, a seeded PRNG, time.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stable, GUID-shaped id derived from a name, so the default seed has the same ids on every start. */
export function uuidFrom(name: string): string {
  const h = createHash('sha1').update(`switchboard-simulator:${name}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function newId(): string {
  return randomUUID();
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** mulberry32: tiny seeded PRNG, good enough for reproducible load and fault dice. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exponentially distributed sample with the given mean (inverse transform). */
export function expSample(rand: () => number, mean: number): number {
  return -Math.log(1 - rand()) * mean;
}

export function isoNow(): string {
  return new Date().toISOString();
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Timers that a reset or stop must cancel all at once. */
export class Timers {
  private readonly live = new Set<NodeJS.Timeout>();
  after(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(
      () => {
        this.live.delete(t);
        fn();
      },
      Math.max(0, ms),
    );
    t.unref();
    this.live.add(t);
    return t;
  }
  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.live.delete(t);
  }
  clearAll(): void {
    for (const t of this.live) clearTimeout(t);
    this.live.clear();
  }
}

/**
 * Runs `fn` holding an exclusive lock on `dir` (an atomic mkdir), so simulators started at once on the same data dir
 * (parallel test workers) do not both create a CA and overwrite each other's files. A lock older than 60 s is stale.
 */
export async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.init.lock');
  const deadline = Date.now() + 120000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lock}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Writes a file atomically (temp + rename), so readers never see half a file. */
export function writeFileAtomic(path: string, data: string, mode?: number): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, data, mode === undefined ? undefined : { mode });
  renameSync(tmp, path);
}
