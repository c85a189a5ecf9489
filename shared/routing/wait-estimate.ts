/**
 * The expected wait announced to a caller ("your expected wait is about 4 minutes") — pure.
 *
 * Floor to beat: Asterisk's app_queue keeps one exponential average of the hold time of answered calls
 * (`holdtime = (3 × holdtime + new) / 4`) and announces it less the time already waited, whatever the caller's place.
 * The textbook alternative is `position × average handle time ÷ agents` (the "naive" estimate here).
 *
 * This estimator replays the next minutes of the call queue: every staffed agent is free at some instant — now when
 * available, when the current call (and its wrap-up) should end when busy — and the calls ahead of the caller take the
 * earliest free agent one after another, each keeping that agent for an average handle time. The caller's estimate is
 * the instant their own turn comes. What it knows that the naive estimate does not:
 * - agents free now serve the first calls at once (position 1 with an idle agent waits ~0, not AHT ÷ N);
 * - a busy agent's remaining time depends on how long the call has lasted: `AHT − elapsed`, and once a call has run
 *   past the average, `OVERRUN_FRACTION × AHT` more (real handle times are long-tailed, not memoryless; with
 *   exponential handle times nothing that reads elapsed time can beat the naive estimate on average);
 * - wrap-up is part of the agent's time, not of the talk.
 * The average handle time is an exponential average of recent handle times (`ewma`, α = 0.25 like Asterisk's).
 * With no agent staffed there is no estimate (undefined): announce the position only.
 */

/** What a staffed agent of the call queue is doing, as far as the estimate cares. */
export interface EstimateAgent {
  state: 'available' | 'offered' | 'busy' | 'wrapUp';
  /** When the agent entered the state (epoch ms). */
  since: number;
}

export interface WaitEstimateInput {
  now: number;
  /** Calls ahead of the caller in routing order (0: the caller is next). */
  callsAhead: number;
  agents: readonly EstimateAgent[];
  /** Average handle time, talk only (s): the call queue's exponential average. */
  handleTimeS: number;
  /** The call queue's wrap-up (s). */
  wrapUpS?: number;
}

/** A busy agent whose call has run past the average is expected to need this share of an average call more. */
export const OVERRUN_FRACTION = 0.5;
/** Asterisk's weight of a new sample: (3 × old + new) / 4. */
export const EWMA_ALPHA = 0.25;

/** The exponential average after one more sample (the first sample is taken as is). */
export function ewma(previous: number | undefined, sample: number, alpha = EWMA_ALPHA): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}

/** When this agent can take a call (epoch ms). */
function freeAt(a: EstimateAgent, now: number, talkMs: number, wrapMs: number): number {
  switch (a.state) {
    case 'available':
      return now;
    case 'offered':
      // The agent is ringing for another caller: assume they take that call.
      return now + talkMs + wrapMs;
    case 'busy': {
      const left = a.since + talkMs - now;
      return now + (left > 0 ? left : OVERRUN_FRACTION * talkMs) + wrapMs;
    }
    case 'wrapUp':
      return Math.max(now, a.since + wrapMs);
  }
}

/** Seconds until the caller's turn; undefined when no agent is staffed. */
export function estimateWaitS(i: WaitEstimateInput): number | undefined {
  if (i.agents.length === 0) return undefined;
  const talkMs = i.handleTimeS * 1000;
  const wrapMs = (i.wrapUpS ?? 0) * 1000;
  const free = i.agents.map((a) => freeAt(a, i.now, talkMs, wrapMs)).sort((a, b) => a - b);
  // Calls ahead take the earliest free agent in turn; a few hundred calls ahead at most, agents ≤ 2,000.
  for (let k = 0; k < i.callsAhead; k++) {
    const t = free.shift()!;
    const next = t + talkMs + wrapMs;
    let j = 0;
    while (j < free.length && free[j] <= next) j++;
    free.splice(j, 0, next);
  }
  return Math.max(0, (free[0] - i.now) / 1000);
}

/** The textbook estimate: position × average handle time ÷ agents (0 agents: undefined). */
export function naiveWaitS(i: WaitEstimateInput): number | undefined {
  if (i.agents.length === 0) return undefined;
  return ((i.callsAhead + 1) * (i.handleTimeS + (i.wrapUpS ?? 0))) / i.agents.length;
}

/** Asterisk's announcement: its average hold time less what the caller has waited (never below 0). */
export function asteriskWaitS(averageHoldS: number | undefined, waitedS: number): number | undefined {
  return averageHoldS === undefined ? undefined : Math.max(0, averageHoldS - waitedS);
}
