// Load generator: Poisson arrivals with exponential patience and handle times, reproducible from a seed.
import type { SimCall, CallEngine } from './calls/engine';
import type { SimCore } from './core';
import { expSample, isRecord, mulberry32, newId } from './util';

export interface LoadRequest {
  tenantId: string;
  to: string;
  arrivalsPerMinute: number;
  durationS: number;
  patienceMeanS: number;
  handleTimeMeanS: number;
  dtmf?: string;
  seed: number;
}

export interface Arrival {
  atMs: number;
  from: string;
  patienceS: number;
  handleTimeS: number;
}

export interface LoadProgress {
  loadId: string;
  tenantId: string;
  to: string;
  seed: number;
  expectedCalls: number;
  placed: number;
  placeErrors: number;
  connectedToAgent: number;
  completed: number;
  abandoned: number;
  unanswered: number;
  otherEnded: number;
  active: number;
  done: boolean;
  lastError?: string;
}

/** The whole arrival schedule, computed up front from the seed (so expectedCalls is exact). */
export function schedule(r: Omit<LoadRequest, 'tenantId' | 'to' | 'dtmf'>): Arrival[] {
  const rand = mulberry32(r.seed);
  const out: Arrival[] = [];
  const meanGapS = 60 / r.arrivalsPerMinute;
  let t = expSample(rand, meanGapS);
  while (t < r.durationS) {
    const from = `+1555${String(Math.floor(rand() * 1e7)).padStart(7, '0')}`;
    out.push({
      atMs: Math.round(t * 1000),
      from,
      patienceS: Math.max(0.5, expSample(rand, r.patienceMeanS)),
      handleTimeS: Math.max(0.5, expSample(rand, r.handleTimeMeanS)),
    });
    t += expSample(rand, meanGapS);
  }
  return out;
}

export function parseLoadRequest(body: unknown): LoadRequest {
  if (!isRecord(body)) throw new Error('body must be a JSON object');
  const num = (k: string, min: number): number => {
    const v = body[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new Error(`'${k}' must be a number ≥ ${min}`);
    return v;
  };
  if (typeof body.tenantId !== 'string' || typeof body.to !== 'string')
    throw new Error("'tenantId' and 'to' are required");
  return {
    tenantId: body.tenantId,
    to: body.to,
    arrivalsPerMinute: num('arrivalsPerMinute', 0.001),
    durationS: num('durationS', 0),
    patienceMeanS: num('patienceMeanS', 0.001),
    handleTimeMeanS: num('handleTimeMeanS', 0.001),
    dtmf: typeof body.dtmf === 'string' ? body.dtmf : undefined,
    seed:
      typeof body.seed === 'number' && Number.isFinite(body.seed)
        ? Math.floor(body.seed)
        : Math.floor(Math.random() * 2 ** 31),
  };
}

export class LoadGenerator {
  readonly runs = new Map<string, LoadProgress>();

  constructor(
    private readonly core: SimCore,
    private readonly engine: CallEngine,
  ) {
    engine.onConnect((call) => {
      const p = call.loadId ? this.runs.get(call.loadId) : undefined;
      if (p) p.connectedToAgent++;
    });
    engine.onEnd((call: SimCall) => {
      const p = call.loadId ? this.runs.get(call.loadId) : undefined;
      if (!p) return;
      p.active--;
      if (call.endReason === 'completed') p.completed++;
      else if (call.endReason === 'abandoned') p.abandoned++;
      else if (call.endReason === 'unanswered') p.unanswered++;
      else p.otherEnded++;
      this.checkDone(p);
    });
  }

  reset(): void {
    this.runs.clear();
  }

  start(r: LoadRequest): LoadProgress {
    if (!this.core.tenants.has(r.tenantId)) throw new Error(`unknown tenant ${r.tenantId}`);
    const arrivals = schedule(r);
    const loadId = newId();
    const p: LoadProgress = {
      loadId,
      tenantId: r.tenantId,
      to: r.to,
      seed: r.seed,
      expectedCalls: arrivals.length,
      placed: 0,
      placeErrors: 0,
      connectedToAgent: 0,
      completed: 0,
      abandoned: 0,
      unanswered: 0,
      otherEnded: 0,
      active: 0,
      done: arrivals.length === 0,
    };
    this.runs.set(loadId, p);
    for (const a of arrivals) {
      this.core.timers.after(a.atMs, () => {
        if (this.runs.get(loadId) !== p) return;
        try {
          this.engine.place({
            tenantId: r.tenantId,
            from: a.from,
            to: r.to,
            dtmf: r.dtmf,
            patienceS: a.patienceS,
            handleTimeS: a.handleTimeS,
            loadId,
          });
          p.placed++;
          p.active++;
        } catch (e) {
          p.placeErrors++;
          p.lastError = (e as Error).message;
        }
        this.checkDone(p);
      });
    }
    return p;
  }

  private checkDone(p: LoadProgress): void {
    p.done = p.placed + p.placeErrors === p.expectedCalls && p.active === 0;
  }
}
