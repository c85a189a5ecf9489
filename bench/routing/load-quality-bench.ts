/**
 * Routing quality through the real system (issue 13, benchmark 3b): the simulator's load generator — Poisson
 * arrivals, exponential handle times, callers who never give up — into one longest-idle call queue of N agents, time
 * scaled down (default A = 8 Erlangs, N = 10, h = 20 s, SL threshold 20 s × h / 180 s, 4 minutes of arrivals), beside
 * Erlang C for the same λ, h, N and the engine alone (the discrete-event simulation) replicated over runs as short as
 * this one — the baseline measured in the same run, so the gap is read as a ratio and against the noise of a short
 * run.
 *
 * Each call's speed of answer (arrival at the simulator → agent connected) splits into:
 *   arrival latency  simulator → webhook → answer → established → `enqueued` (the call's story),
 *   queue wait       `enqueued` → the offer that was answered (`offered`) — what Erlang C's W is,
 *   ring time        the offer's invite reaching the simulator → the agent connected (the agent's answer delay).
 * An agent is taken for ring + talk + wrap-up + the lag until the router offers them again (the call-ended
 * notification, the agent's state, presence) — measured per agent as call end → next invite while a call waited.
 * "Explained" is Erlang C with that effective handle time h′, plus the mean arrival latency and ring time.
 */
import os from 'node:os';
import { erlangC } from '../../shared/routing';
import { percentile, round } from '../stats';
import { simulate, singleSkillScenario } from './contact-center-sim';
import { agentUpn, atMs, runLoad, type AppCallStory, type RoutingSystem, type SimCallRecord } from './routing-system';

export interface QualityOptions {
  erlangs: number;
  agents: number;
  handleTimeS: number;
  thresholdS: number;
  durationS: number;
  warmupS: number;
  wrapUpS: number;
  seed: number;
}

export function qualityOptionsFromEnv(env = process.env): QualityOptions {
  const handleTimeS = Number(env.BENCH_QUALITY_HANDLE_S ?? 20);
  return {
    erlangs: Number(env.BENCH_QUALITY_ERLANGS ?? 8),
    agents: Number(env.BENCH_QUALITY_AGENTS ?? 10),
    handleTimeS,
    thresholdS: Number(env.BENCH_QUALITY_THRESHOLD_S ?? round((20 * handleTimeS) / 180, 2)),
    durationS: Number(env.BENCH_QUALITY_DURATION_S ?? 240),
    warmupS: Number(env.BENCH_QUALITY_WARMUP_S ?? 20),
    wrapUpS: Number(env.BENCH_QUALITY_WRAPUP_S ?? 0),
    seed: Number(env.BENCH_QUALITY_SEED ?? 8),
  };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
const pct = (x: number) => round(x * 100, 1);
const ratio = (a: number, b: number) => round(a / b, 3);

interface Measured {
  call: SimCallRecord;
  agentId: string;
  enqueuedAt: number;
  offeredAt: number;
  inviteAt: number;
  connectedAt: number;
  endedAt: number;
}

export async function runQualityBench(rs: RoutingSystem, o: QualityOptions): Promise<Record<string, unknown>> {
  const arrivalRate = o.erlangs / o.handleTimeS;
  const agents = Array.from({ length: o.agents }, (_, i) => agentUpn(i + 1));
  const to = await rs.callQueueOnLine('quality', 0, {
    name: 'Quality',
    routingMethod: 'longestIdle',
    agentAlertTimeS: 30,
    wrapUpS: o.wrapUpS,
    maxCalls: 1000,
    maxWaitS: 2700,
    serviceLevelThresholdS: Math.max(1, Math.round(o.thresholdS)),
    agents: agents.map((userPrincipalName) => ({ userPrincipalName })),
  });
  const loadBefore = os.loadavg()[0];
  const calls = await runLoad(rs, {
    to,
    arrivalsPerMinute: arrivalRate * 60,
    durationS: o.durationS,
    handleTimeMeanS: o.handleTimeS,
    seed: o.seed,
  });

  const firstArrival = Math.min(...calls.map((c) => c.createdAt));
  const measured: Measured[] = [];
  let notConnected = 0;
  for (const call of calls) {
    const story = await rs.get<AppCallStory>(`/calls/${call.id}`).catch(() => undefined);
    const enqueued = story?.events.find((e) => e.kind === 'enqueued');
    const offers = story?.events.filter((e) => e.kind === 'offered') ?? [];
    const invites = call.requests.filter((r) => r.method === 'POST' && r.path === '/participants/invite');
    const agentId = call.participants.find((p) => p.kind === 'agent')?.userId ?? call.agentId;
    if (!enqueued || !offers.length || !invites.length || !call.connectedAt || !agentId) {
      notConnected++;
      continue;
    }
    measured.push({
      call,
      agentId: agentId.toLowerCase(),
      enqueuedAt: atMs(enqueued.at),
      offeredAt: atMs(offers[offers.length - 1].at),
      inviteAt: invites[invites.length - 1].at,
      connectedAt: call.connectedAt,
      endedAt: call.endedAt ?? call.connectedAt,
    });
  }

  // The lag before a freed agent is offered again, whenever a call was waiting for one (its ring not counted).
  const lags: number[] = [];
  const byAgent = new Map<string, Measured[]>();
  for (const m of measured) byAgent.set(m.agentId, [...(byAgent.get(m.agentId) ?? []), m]);
  for (const list of byAgent.values()) {
    list.sort((a, b) => a.inviteAt - b.inviteAt);
    for (let i = 1; i < list.length; i++) {
      const freed = list[i - 1].endedAt;
      if (list[i].enqueuedAt < freed) lags.push((list[i].inviteAt - freed) / 1000);
    }
  }

  const counted = measured.filter((m) => m.call.createdAt - firstArrival >= o.warmupS * 1000);
  const speed = counted.map((m) => (m.connectedAt - m.call.createdAt) / 1000);
  const arrivalLatency = counted.map((m) => (m.enqueuedAt - m.call.createdAt) / 1000);
  const queueWait = counted.map((m) => (m.offeredAt - m.enqueuedAt) / 1000);
  const offerToInvite = counted.map((m) => (m.inviteAt - m.offeredAt) / 1000);
  const ring = measured.map((m) => (m.connectedAt - m.inviteAt) / 1000);
  const talk = measured.map((m) => ((m.call.callerLeftAt ?? m.endedAt) - m.connectedAt) / 1000);
  // The caller hung up; the agent stays in the bot's group call until the app ends it.
  const teardown = measured.map((m) => (m.endedAt - (m.call.callerLeftAt ?? m.endedAt)) / 1000);
  const within = (xs: number[], t: number) => xs.filter((x) => x <= t).length / xs.length;

  const theory = erlangC({ arrivalRate, handleTimeS: o.handleTimeS, agents: o.agents, thresholdS: o.thresholdS });
  const lag = lags.length ? mean(lags) : 0;
  const effectiveHandleS = mean(ring) + mean(talk) + mean(teardown) + lag;
  const measuredRate = calls.length / o.durationS;
  let explained: Record<string, unknown>;
  try {
    const c = erlangC({
      arrivalRate: measuredRate,
      handleTimeS: effectiveHandleS,
      agents: o.agents,
      thresholdS: o.thresholdS,
    });
    const fixed = mean(arrivalLatency) + mean(offerToInvite) + mean(ring);
    const asaS = c.asaS + fixed;
    const tLeft = o.thresholdS - fixed;
    const sl =
      tLeft < 0 ? 0 : 1 - c.probabilityOfWaiting * Math.exp((-(o.agents - c.offeredLoad) * tLeft) / effectiveHandleS);
    explained = {
      effectiveHandleS: round(effectiveHandleS, 2),
      offeredLoadErlangs: round(c.offeredLoad, 2),
      queueWaitAsaS: round(c.asaS, 2),
      asaS: round(asaS, 2),
      serviceLevelPct: pct(sl),
      measuredOverExplainedAsa: ratio(mean(speed), asaS),
    };
  } catch {
    // A′ ≥ N: the system serves fewer calls than arrive, so the queue grows through the run. A fluid estimate: a
    // call arriving t s into the run waits (ρ′ − 1)·t; the counted calls arrive on average midway after the warm-up.
    const rho = (measuredRate * effectiveHandleS) / o.agents;
    const fixed = mean(arrivalLatency) + mean(offerToInvite) + mean(ring);
    const asaS = (rho - 1) * ((o.warmupS + o.durationS) / 2) + fixed;
    explained = {
      effectiveHandleS: round(effectiveHandleS, 2),
      offeredLoadErlangs: round(measuredRate * effectiveHandleS, 2),
      unstable: `A′ = ${round(rho * o.agents, 2)} ≥ N = ${o.agents}: the queue grows through the run (fluid estimate)`,
      asaS: round(asaS, 2),
      measuredOverExplainedAsa: ratio(mean(speed), asaS),
    };
  }

  // The engine alone over runs as short as this one: how far a run this long strays from Erlang C by chance.
  const warmupCalls = measured.length - counted.length;
  const reps = Array.from({ length: 200 }, (_, i) =>
    simulate({
      ...singleSkillScenario({
        seed: 1000 + i,
        arrivalRate,
        handleTimeS: o.handleTimeS,
        agents: o.agents,
        calls: Math.max(1, counted.length),
        thresholdS: o.thresholdS,
      }),
      warmupCalls,
      batches: 1,
    }),
  );
  const repAsa = reps.map((r) => r.asaS);
  const repSl = reps.map((r) => r.serviceLevel);

  return {
    parameters: {
      erlangs: o.erlangs,
      agents: o.agents,
      routingMethod: 'longestIdle',
      handleTimeMeanS: o.handleTimeS,
      arrivalRatePerS: round(arrivalRate, 4),
      serviceLevelThresholdS: o.thresholdS,
      durationS: o.durationS,
      warmupS: o.warmupS,
      wrapUpS: o.wrapUpS,
      seed: o.seed,
    },
    loadAverage1m: { before: round(loadBefore, 1), after: round(os.loadavg()[0], 1), cpus: os.cpus().length },
    calls: {
      placed: calls.length,
      connected: measured.length,
      notConnected,
      counted: counted.length,
      measuredArrivalRatePerS: round(measuredRate, 4),
    },
    erlangC: {
      asaS: round(theory.asaS, 2),
      serviceLevelPct: pct(theory.serviceLevel),
      probabilityOfWaiting: round(theory.probabilityOfWaiting, 3),
    },
    measured: {
      asaS: round(mean(speed), 2),
      serviceLevelPct: pct(within(speed, o.thresholdS)),
      p90SpeedOfAnswerS: round(percentile(speed, 90), 2),
      measuredOverErlangCAsa: ratio(mean(speed), theory.asaS),
      queueWaitOnly: {
        asaS: round(mean(queueWait), 2),
        serviceLevelPct: pct(within(queueWait, o.thresholdS)),
        probabilityOfWaiting: round(queueWait.filter((w) => w > 0.25).length / queueWait.length, 3),
        measuredOverErlangCAsa: ratio(mean(queueWait), theory.asaS),
      },
    },
    gap: {
      arrivalLatencyMeanS: round(mean(arrivalLatency), 3),
      offerToInviteMeanS: round(mean(offerToInvite), 3),
      ringTimeMeanS: round(mean(ring), 3),
      talkTimeMeanS: round(mean(talk), 2),
      teardownMeanS: round(mean(teardown), 3),
      wrapUpS: o.wrapUpS,
      agentLagAfterCallMeanS: round(lag, 3),
      agentLagAfterCallP90S: lags.length ? round(percentile(lags, 90), 3) : null,
      presenceAndReactionLagMeanS: round(lag - o.wrapUpS, 3),
      agentLagSamples: lags.length,
    },
    explained,
    engineAloneShortRuns: {
      measuredOverEngineAloneAsa: ratio(mean(speed), mean(repAsa)),
      runs: reps.length,
      callsPerRun: counted.length,
      asaS: {
        mean: round(mean(repAsa), 2),
        p2_5: round(percentile(repAsa, 2.5), 2),
        p97_5: round(percentile(repAsa, 97.5), 2),
      },
      serviceLevelPct: {
        mean: pct(mean(repSl)),
        p2_5: pct(percentile(repSl, 2.5)),
        p97_5: pct(percentile(repSl, 97.5)),
      },
    },
  };
}
