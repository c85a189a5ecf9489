/**
 * A call queue's `deleting` mark (shared by the call queue service, which sets it, and the call router, which obeys
 * it): while a DELETE is under way no call may enter the call queue. The mark is a lease — a DELETE whose process
 * died after marking must not leave the call queue refusing calls for ever — so it holds for
 * {@link DELETING_MARK_MS} from the time it records; a DELETE that took longer starts over.
 */
export const DELETING_MARK_MS = 60_000;

/** Whether a call queue marked `deleting` (ISO time) at that time still refuses arrivals at `now` (epoch ms). */
export function refusesArrivals(deleting: string | undefined, now: number): boolean {
  if (!deleting) return false;
  const at = Date.parse(deleting);
  return Number.isFinite(at) && now - at < DELETING_MARK_MS && now >= at - DELETING_MARK_MS;
}
