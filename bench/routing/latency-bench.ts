/**
 * Notification → offer, end to end (devhost + Azurite + simulator), at 20 calls/s from the simulator's load
 * generator into one longest-idle call queue with agents to spare (so no call waits for an agent and the figure is
 * the system's own): from the moment the webhook received the incoming-call notification (its `arrived` event in the
 * call's story, stamped by the webhook) to the moment the offer request — `participants/invite` — reached the
 * simulator (its request log, `GET /_sim/calls`). Same clock: both run on this machine. Also the webhook's ack time
 * as Graph sees it (every notification POST of those calls, timed by the simulator's sender), and the steps between:
 * simulator → webhook, webhook → answer, answer → invite (which includes the simulator's establishDelayMs).
 */
import os from 'node:os';
import { percentile, round } from '../stats';
import { agentUpn, atMs, runLoad, type AppCallStory, type RoutingSystem } from './routing-system';

export interface LatencyOptions {
  callsPerSecond: number;
  durationS: number;
  agents: number;
  handleTimeMeanS: number;
  /** The same path at a low rate, in the same run: what one call costs when nothing queues. */
  baselineCallsPerSecond: number;
}

export function latencyOptionsFromEnv(env = process.env): LatencyOptions {
  return {
    callsPerSecond: Number(env.BENCH_LATENCY_CALLS_PER_S ?? 20),
    durationS: Number(env.BENCH_LATENCY_DURATION_S ?? 15),
    agents: Number(env.BENCH_LATENCY_AGENTS ?? 120),
    handleTimeMeanS: Number(env.BENCH_LATENCY_HANDLE_S ?? 2),
    baselineCallsPerSecond: Number(env.BENCH_LATENCY_BASELINE_CALLS_PER_S ?? 2),
  };
}

const FIRST_AGENT = 21;

const dist = (xs: number[]) => ({
  n: xs.length,
  p50: round(percentile(xs, 50), 1),
  p90: round(percentile(xs, 90), 1),
  p99: round(percentile(xs, 99), 1),
  max: round(Math.max(...xs), 1),
});

/** One load at `callsPerSecond`: the per-call latencies and every webhook ack of its calls. */
async function measure(rs: RoutingSystem, to: string, o: LatencyOptions, callsPerSecond: number, seed: number) {
  const loadBefore = os.loadavg()[0];
  const started = Date.now();
  const calls = await runLoad(rs, {
    to,
    arrivalsPerMinute: callsPerSecond * 60,
    durationS: o.durationS,
    handleTimeMeanS: o.handleTimeMeanS,
    seed,
  });
  const wallS = (Date.now() - started) / 1000;
  const toWebhook: number[] = [];
  const toAnswer: number[] = [];
  const answerToInvite: number[] = [];
  const toOffer: number[] = [];
  const acks: number[] = [];
  let missing = 0;
  const endReasons: Record<string, number> = {};
  for (const c of calls) {
    endReasons[c.endReason ?? 'live'] = (endReasons[c.endReason ?? 'live'] ?? 0) + 1;
    for (const d of c.deliveries) acks.push(d.ackMs);
    const story = await rs.get<AppCallStory>(`/calls/${c.id}`).catch(() => undefined);
    const arrived = story?.events.find((e) => e.kind === 'arrived');
    const answer = c.requests.find((r) => r.method === 'POST' && r.path === '/answer');
    const invite = c.requests.find((r) => r.method === 'POST' && r.path === '/participants/invite');
    if (!arrived || !answer || !invite) {
      missing++;
      continue;
    }
    const receivedAt = atMs(arrived.at);
    toWebhook.push(receivedAt - c.createdAt);
    toAnswer.push(answer.at - receivedAt);
    answerToInvite.push(invite.at - answer.at);
    toOffer.push(invite.at - receivedAt);
  }
  return {
    load: {
      callsPerSecond,
      durationS: o.durationS,
      calls: calls.length,
      measuredCallsPerSecond: round(calls.length / o.durationS, 1),
      wallS: round(wallS, 1),
      callsWithoutAnOffer: missing,
      endReasons,
      loadAverage1m: { before: round(loadBefore, 1), after: round(os.loadavg()[0], 1), cpus: os.cpus().length },
    },
    toOffer,
    acks,
    steps: {
      simulatorToWebhook: dist(toWebhook),
      webhookToAnswerRequest: dist(toAnswer),
      answerRequestToInviteRequest: dist(answerToInvite),
    },
  };
}

export async function runLatencyBench(rs: RoutingSystem, o: LatencyOptions): Promise<Record<string, unknown>> {
  const agents = Array.from({ length: o.agents }, (_, i) => agentUpn(FIRST_AGENT + i));
  // Agents pick up in 300 ms: they are free again sooner, so 20 calls/s never run out of them.
  for (const upn of agents) await rs.system.sim('POST', `/_sim/agents/${upn}/profile`, { answerDelayMs: 300 });
  const to = await rs.callQueueOnLine('latency', 1, {
    name: 'Latency',
    routingMethod: 'longestIdle',
    agentAlertTimeS: 15,
    maxCalls: 1000,
    agents: agents.map((userPrincipalName) => ({ userPrincipalName })),
  });
  // The baseline in the same run: the same path at a tenth of the rate, where nothing queues behind other calls.
  const low = await measure(rs, to, o, o.baselineCallsPerSecond, 2);
  const high = await measure(rs, to, o, o.callsPerSecond, 20);
  const notMet = (p99: number, aim: number) => (p99 < aim ? 'met' : 'not met');
  const offer = dist(high.toOffer);
  const ack = dist(high.acks);
  const lowOffer = dist(low.toOffer);
  const lowAck = dist(low.acks);
  return {
    load: { ...high.load, agents: o.agents, handleTimeMeanS: o.handleTimeMeanS },
    notificationToOfferMs: { ...offer, aimP99Ms: 500, aim: notMet(offer.p99, 500) },
    webhookAckMs: { ...ack, aimP99Ms: 50, aim: notMet(ack.p99, 50) },
    stepsMs: high.steps,
    baseline: {
      load: low.load,
      notificationToOfferMs: lowOffer,
      webhookAckMs: lowAck,
      stepsMs: low.steps,
      p99RatioToBaseline: {
        notificationToOffer: round(offer.p99 / lowOffer.p99, 2),
        webhookAck: round(ack.p99 / lowAck.p99, 2),
      },
    },
  };
}
