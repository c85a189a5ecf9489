/**
 * Queueing theory to measure routing against (../shared/reference/contact-center.md §4): Erlang B, Erlang C (no
 * abandonment) and Erlang A (exponential patience, Palm's model). Rates per second, times in seconds.
 */

/** Erlang B blocking probability by the stable recursion B_0 = 1, B_k = A·B_{k−1} / (k + A·B_{k−1}). */
export function erlangB(agents: number, offeredLoad: number): number {
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b;
}

export interface ErlangCInput {
  /** Arrival rate λ (calls/s). */
  arrivalRate: number;
  /** Mean handle time h (s). */
  handleTimeS: number;
  /** Agents N (must exceed the offered load A = λ·h). */
  agents: number;
  /** Service-level threshold t (s). */
  thresholdS: number;
}

export interface ErlangCResult {
  offeredLoad: number;
  /** P_w: probability a caller waits. */
  probabilityOfWaiting: number;
  /** Average speed of answer (s). */
  asaS: number;
  /** SL(t): share answered within t. */
  serviceLevel: number;
  occupancy: number;
}

export function erlangC({ arrivalRate, handleTimeS, agents, thresholdS }: ErlangCInput): ErlangCResult {
  const a = arrivalRate * handleTimeS;
  if (!(a < agents)) throw new RangeError(`Erlang C needs A < N (A = ${a}, N = ${agents})`);
  const b = erlangB(agents, a);
  const pw = (agents * b) / (agents - a * (1 - b));
  return {
    offeredLoad: a,
    probabilityOfWaiting: pw,
    asaS: (pw * handleTimeS) / (agents - a),
    serviceLevel: 1 - pw * Math.exp((-(agents - a) * thresholdS) / handleTimeS),
    occupancy: a / agents,
  };
}

export interface ErlangAInput {
  arrivalRate: number;
  handleTimeS: number;
  agents: number;
  /** Mean patience 1/θ (s), exponential. */
  patienceS: number;
}

export interface ErlangAResult {
  /** P(W > 0). */
  probabilityOfWaiting: number;
  /** P(abandon | W > 0). */
  abandonGivenWait: number;
  /** P(abandon). */
  abandonment: number;
  /** E[W] over all calls, answered and abandoned (s). */
  meanWaitS: number;
}

/**
 * Erlang A by the series form: x = N/(hθ), y = λ/θ, A(x,y) = Σ_{j≥0} Π_{i=1..j} y/(x+i), E1 = Erlang B(N, λh),
 * ρ = λh/N; P(W>0) = A·E1 / (1 + (A−1)·E1), P(ab | W>0) = 1/(ρA) + 1 − 1/ρ, P(ab) = P(W>0)·P(ab | W>0),
 * E[W] = P(ab)/θ. Unlike Erlang C it holds for any load (abandonment keeps the system stable).
 */
export function erlangA({ arrivalRate, handleTimeS, agents, patienceS }: ErlangAInput): ErlangAResult {
  const theta = 1 / patienceS;
  const x = agents / (handleTimeS * theta);
  const y = arrivalRate / theta;
  let sum = 1;
  let term = 1;
  for (let j = 1; j < 1_000_000; j++) {
    term *= y / (x + j);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  const e1 = erlangB(agents, arrivalRate * handleTimeS);
  const rho = (arrivalRate * handleTimeS) / agents;
  const pw = (sum * e1) / (1 + (sum - 1) * e1);
  const abandonGivenWait = 1 / (rho * sum) + 1 - 1 / rho;
  const abandonment = pw * abandonGivenWait;
  return { probabilityOfWaiting: pw, abandonGivenWait, abandonment, meanWaitS: abandonment / theta };
}
