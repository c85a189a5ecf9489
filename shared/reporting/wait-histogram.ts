/**
 * A mergeable histogram of waits, so a percentile over a day or a month is computed from 15-minute buckets (the
 * waits themselves are not kept). Fixed bins, the same everywhere, so merging is adding counts bin by bin — exact,
 * associative and commutative: a percentile of merged buckets equals the percentile of all the waits binned at once.
 *
 * Bins (upper edges, seconds): 1 s wide up to 2 min, 5 s wide up to 10 min, 30 s wide up to 1 h, then one bin for
 * everything longer. A wait w lands in the bin (lower, upper] with upper = the first edge ≥ w (w = 0 in the first).
 *
 * Percentile p (nearest rank): the bin holding the ⌈p·n⌉-th smallest wait; reported as that bin's upper edge, capped
 * by the longest wait seen (exact, kept beside the histogram). Error bound: the true value lies in the same bin, so
 * the reported value is at most one bin width above it and never below it — ≤ 1 s for waits up to 2 min, ≤ 5 s up to
 * 10 min, ≤ 30 s up to 1 h; beyond 1 h the longest wait is reported.
 */

/** Bin index → count; sparse (only non-empty bins). */
export type WaitHistogram = Record<number, number>;

const EDGES_S: number[] = (() => {
  const e: number[] = [];
  for (let s = 1; s <= 120; s += 1) e.push(s);
  for (let s = 125; s <= 600; s += 5) e.push(s);
  for (let s = 630; s <= 3600; s += 30) e.push(s);
  return e;
})();
/** Index of the last bin (waits over 1 h). */
export const OVERFLOW_BIN = EDGES_S.length;

export function binOf(waitMs: number): number {
  const s = Math.max(0, waitMs) / 1000;
  // Binary search: first edge ≥ s.
  let lo = 0;
  let hi = EDGES_S.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (EDGES_S[mid] >= s) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The bin's upper edge in ms (Infinity for the overflow bin). */
export function binUpperMs(bin: number): number {
  return bin >= OVERFLOW_BIN ? Infinity : EDGES_S[bin] * 1000;
}

export function binLowerMs(bin: number): number {
  return bin <= 0 ? 0 : EDGES_S[bin - 1] * 1000;
}

export function addWait(h: WaitHistogram, waitMs: number): void {
  const b = binOf(waitMs);
  h[b] = (h[b] ?? 0) + 1;
}

export function mergeHistograms(into: WaitHistogram, from: WaitHistogram): void {
  for (const [k, v] of Object.entries(from)) into[Number(k)] = (into[Number(k)] ?? 0) + v;
}

/** The p-th percentile (0 < p ≤ 1) in ms, or undefined for an empty histogram. `maxMs` caps it (the longest wait). */
export function percentileMs(h: WaitHistogram, p: number, maxMs: number): number | undefined {
  const bins = Object.keys(h)
    .map(Number)
    .filter((b) => h[b] > 0)
    .sort((a, b) => a - b);
  const n = bins.reduce((s, b) => s + h[b], 0);
  if (n === 0) return undefined;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const b of bins) {
    seen += h[b];
    if (seen >= rank) return Math.min(binUpperMs(b), maxMs);
  }
  return maxMs;
}
