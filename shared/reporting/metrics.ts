/**
 * Interval metrics as mergeable sums (counts, total milliseconds, maxima, a wait histogram): the content of one
 * aggregate bucket. Merging is addition (max for the longest wait, min/max for the threshold), so buckets roll up —
 * 15 min → 1 h → 1 d → a month — and any split of the contact records gives the same sums. The figures a report
 * shows (ASA, p90, SL …) are derived from the sums only at the end ({@link callQueueFigures}, {@link agentFigures}).
 * Formulas: docs/metrics.md.
 */
import { WaitHistogram, mergeHistograms, percentileMs } from './wait-histogram';

export interface Metrics {
  /** Calls that entered the call queue (one per stay: a call moved to another call queue is offered to both). */
  offered: number;
  answered: number;
  abandoned: number;
  /** Abandoned within 5 s of entering the call queue. */
  shortAbandoned: number;
  callbacksRequested: number;
  callbacksCompleted: number;
  overflowed: number;
  timedOut: number;
  noAgent: number;
  /** Offers made (rings of one agent). */
  offers: number;
  /** Offers that rang out or were declined. */
  missedOffers: number;
  /** Σ time in the call queue of answered calls (ASA numerator). */
  answeredWaitMs: number;
  /** Σ time in the call queue of every call that left it (average wait numerator; denominator `offered`). */
  waitMs: number;
  longestWaitMs: number;
  waitHistogram: WaitHistogram;
  /** Calls an agent handled (connected): the AHT denominator. */
  handled: number;
  talkMs: number;
  holdMs: number;
  wrapUpMs: number;
  /** Agent time signed in and not away (available, offered, busy, wrap-up). */
  staffedMs: number;
  /** Agent time on calls or in wrap-up (busy, wrapUp). */
  busyMs: number;
  /** Agent time in each state (available, offered, busy, wrapUp, away, offline). */
  stateAvailableMs: number;
  stateOfferedMs: number;
  stateBusyMs: number;
  stateWrapUpMs: number;
  stateAwayMs: number;
  stateOfflineMs: number;
  /** Service-level counts at the call queue's threshold T (as it was when each call left the call queue). */
  answeredWithinT: number;
  abandonedWithinT: number;
  /** Amazon Connect: removed from the call queue (answered, abandoned or callback requested) within T. */
  removedWithinT: number;
  /** The thresholds seen (0 / 0 when no call carried one). */
  thresholdMinS: number;
  thresholdMaxS: number;
}

export const COUNTERS = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'callbacksRequested',
  'callbacksCompleted',
  'overflowed',
  'timedOut',
  'noAgent',
  'offers',
  'missedOffers',
  'answeredWaitMs',
  'waitMs',
  'handled',
  'talkMs',
  'holdMs',
  'wrapUpMs',
  'staffedMs',
  'busyMs',
  'stateAvailableMs',
  'stateOfferedMs',
  'stateBusyMs',
  'stateWrapUpMs',
  'stateAwayMs',
  'stateOfflineMs',
  'answeredWithinT',
  'abandonedWithinT',
  'removedWithinT',
] as const satisfies readonly (keyof Metrics)[];

export function emptyMetrics(): Metrics {
  const m = { longestWaitMs: 0, waitHistogram: {}, thresholdMinS: 0, thresholdMaxS: 0 } as Partial<Metrics>;
  for (const k of COUNTERS) m[k] = 0;
  return m as Metrics;
}

/** Adds `from` into `into` (mutates and returns `into`). */
export function mergeMetrics(into: Metrics, from: Metrics): Metrics {
  for (const k of COUNTERS) into[k] += from[k];
  into.longestWaitMs = Math.max(into.longestWaitMs, from.longestWaitMs);
  mergeHistograms(into.waitHistogram, from.waitHistogram);
  if (from.thresholdMaxS > 0) {
    into.thresholdMinS = into.thresholdMinS > 0 ? Math.min(into.thresholdMinS, from.thresholdMinS) : from.thresholdMinS;
    into.thresholdMaxS = Math.max(into.thresholdMaxS, from.thresholdMaxS);
  }
  return into;
}

export function noteThreshold(m: Metrics, thresholdS: number): void {
  m.thresholdMinS = m.thresholdMinS > 0 ? Math.min(m.thresholdMinS, thresholdS) : thresholdS;
  m.thresholdMaxS = Math.max(m.thresholdMaxS, thresholdS);
}

const seconds = (ms: number) => Math.round(ms) / 1000;
const ratio = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const avgS = (ms: number, n: number): number | null => (n > 0 ? Math.round(ms / n) / 1000 : null);

/** The five service-level definitions, side by side (docs/metrics.md). Fractions 0–1, null when undefined (÷ 0). */
export interface ServiceLevels {
  /** T in seconds; null when the interval mixes thresholds (then each call was measured at its own T) or is empty. */
  thresholdS: number | null;
  /** Teams 1: answered ≤ T ÷ answered. */
  teamsAnsweredOverAnswered: number | null;
  /** Teams 2: answered ≤ T ÷ (offered − abandoned ≤ T). */
  teamsAnsweredOverOfferedLessAbandonedWithinT: number | null;
  /** Teams 3: (answered ≤ T + abandoned ≤ T) ÷ offered. */
  teamsAnsweredOrAbandonedWithinTOverOffered: number | null;
  /** Teams 4: answered ≤ T ÷ offered. */
  teamsAnsweredOverOffered: number | null;
  /** Amazon Connect: removed from queue (answered, abandoned or callback requested) ≤ T ÷ queued (offered). */
  connectRemovedWithinTOverQueued: number | null;
}

export function serviceLevels(m: Metrics): ServiceLevels {
  return {
    thresholdS: m.thresholdMaxS > 0 && m.thresholdMinS === m.thresholdMaxS ? m.thresholdMaxS : null,
    teamsAnsweredOverAnswered: ratio(m.answeredWithinT, m.answered),
    teamsAnsweredOverOfferedLessAbandonedWithinT: ratio(m.answeredWithinT, m.offered - m.abandonedWithinT),
    teamsAnsweredOrAbandonedWithinTOverOffered: ratio(m.answeredWithinT + m.abandonedWithinT, m.offered),
    teamsAnsweredOverOffered: ratio(m.answeredWithinT, m.offered),
    connectRemovedWithinTOverQueued: ratio(m.removedWithinT, m.offered),
  };
}

/** A call queue's figures for one interval. Times in seconds (ms precision), rates as fractions 0–1. */
export interface CallQueueFigures {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  abandonmentRate: number | null;
  callbacksRequested: number;
  callbacksCompleted: number;
  overflowed: number;
  timedOut: number;
  noAgent: number;
  offers: number;
  missedOffers: number;
  asaS: number | null;
  averageWaitS: number | null;
  p90WaitS: number | null;
  longestWaitS: number | null;
  handled: number;
  ahtS: number | null;
  serviceLevel: ServiceLevels;
}

export function callQueueFigures(m: Metrics): CallQueueFigures {
  const p90 = percentileMs(m.waitHistogram, 0.9, m.longestWaitMs);
  return {
    offered: m.offered,
    answered: m.answered,
    abandoned: m.abandoned,
    shortAbandoned: m.shortAbandoned,
    abandonmentRate: ratio(m.abandoned, m.offered),
    callbacksRequested: m.callbacksRequested,
    callbacksCompleted: m.callbacksCompleted,
    overflowed: m.overflowed,
    timedOut: m.timedOut,
    noAgent: m.noAgent,
    offers: m.offers,
    missedOffers: m.missedOffers,
    asaS: avgS(m.answeredWaitMs, m.answered),
    averageWaitS: avgS(m.waitMs, m.offered),
    p90WaitS: p90 === undefined ? null : seconds(p90),
    longestWaitS: m.offered > 0 ? seconds(m.longestWaitMs) : null,
    handled: m.handled,
    ahtS: avgS(m.talkMs + m.holdMs + m.wrapUpMs, m.handled),
    serviceLevel: serviceLevels(m),
  };
}

/** An agent's figures for one interval. */
export interface AgentFigures {
  offers: number;
  answered: number;
  missedOffers: number;
  callbacksCompleted: number;
  handled: number;
  talkS: number;
  holdS: number;
  wrapUpS: number;
  ahtS: number | null;
  staffedS: number;
  busyS: number;
  /** busy ÷ staffed; null when the agent was not staffed (or for one call queue only: staffed time is per agent). */
  occupancy: number | null;
  /** Time in each state (s), from the agent's state spans (all call queues only). */
  stateS: { available: number; offered: number; busy: number; wrapUp: number; away: number; offline: number };
}

export function agentFigures(m: Metrics): AgentFigures {
  return {
    offers: m.offers,
    answered: m.answered,
    missedOffers: m.missedOffers,
    callbacksCompleted: m.callbacksCompleted,
    handled: m.handled,
    talkS: seconds(m.talkMs),
    holdS: seconds(m.holdMs),
    wrapUpS: seconds(m.wrapUpMs),
    ahtS: avgS(m.talkMs + m.holdMs + m.wrapUpMs, m.handled),
    staffedS: seconds(m.staffedMs),
    busyS: seconds(m.busyMs),
    occupancy: ratio(m.busyMs, m.staffedMs),
    stateS: {
      available: seconds(m.stateAvailableMs),
      offered: seconds(m.stateOfferedMs),
      busy: seconds(m.stateBusyMs),
      wrapUp: seconds(m.stateWrapUpMs),
      away: seconds(m.stateAwayMs),
      offline: seconds(m.stateOfflineMs),
    },
  };
}
