/**
 * A contact center at rest for the engine benchmark: `agents` agents over a catalogue of `skills` skills (each agent
 * holds about half of them, levels 1–5), `calls` waiting calls needing 1–3 skills at minimum levels 2–5, with
 * priorities and relaxation. Most agents are busy, in wrap-up, away or offline; the few free ones match no waiting
 * call (otherwise they would have been offered it): the state a real router decides from when an event arrives.
 * Seeded, so every run measures the same decisions.
 */
import {
  decideOffers,
  type AgentState,
  type CallPriority,
  type RoutingAgent,
  type RoutingInput,
  type SkillLevels,
  type WaitingCall,
} from '../../shared/routing';
import { seededRandom, type Random } from './prng';

export interface WorkloadOptions {
  seed: number;
  agents: number;
  skills: number;
  calls: number;
}

export interface Workload {
  input: RoutingInput;
  rnd: Random;
  newCall(id: string): WaitingCall;
}

const NOW = Date.UTC(2026, 0, 5, 10, 0, 0);

export function restingWorkload(o: WorkloadOptions): Workload {
  const rnd = seededRandom(o.seed);
  const skillNames = Array.from({ length: o.skills }, (_, i) => `skill${String(i).padStart(2, '0')}`);
  const pickState = (): AgentState => {
    const u = rnd.next();
    return u < 0.9 ? 'busy' : u < 0.94 ? 'wrapUp' : u < 0.96 ? 'away' : u < 0.97 ? 'offline' : 'available';
  };
  const agents: RoutingAgent[] = Array.from({ length: o.agents }, (_, i) => {
    const skills: SkillLevels = {};
    for (const s of skillNames) if (rnd.next() < 0.5) skills[s] = 1 + rnd.int(5);
    return {
      id: `agent${String(i).padStart(5, '0')}`,
      state: pickState(),
      presence: 'Available',
      skills,
      optedIn: rnd.next() < 0.98,
      idleSince: NOW - rnd.int(3_600_000),
      lastOfferedAt: NOW - rnd.int(3_600_000),
      missedOffers: 0,
      order: i,
    };
  });
  let seq = 0;
  const newCall = (id: string): WaitingCall => {
    const requiredSkills: SkillLevels = {};
    const n = 1 + rnd.int(3);
    for (let k = 0; k < n; k++) requiredSkills[skillNames[rnd.int(skillNames.length)]] = 2 + rnd.int(4);
    const u = rnd.next();
    const priority = (u < 0.05 ? 1 : u < 0.15 ? 2 : u < 0.9 ? 3 : u < 0.97 ? 4 : 5) as CallPriority;
    return { callId: id, priority, arrivedAt: NOW - rnd.int(600_000), requiredSkills };
  };
  let calls: WaitingCall[] = [];
  const config: RoutingInput['config'] = {
    routingMethod: 'skillsBased',
    presenceBasedRouting: true,
    agentAlertTimeS: 30,
    relaxation: [
      { afterS: 120, minLevelDelta: 1 },
      { afterS: 300, minLevelDelta: 2 },
    ],
  };
  // Settle: offered agents become busy and their calls leave; top the waiting calls up again; until nothing moves.
  for (let round = 0; round < 50; round++) {
    while (calls.length < o.calls) calls.push(newCall(`call${seq++}`));
    const { offers } = decideOffers({ config, calls, agents, now: NOW });
    if (offers.length === 0) break;
    const busy = new Set(offers.map((x) => x.agentId));
    const gone = new Set(offers.map((x) => x.callId));
    for (let i = 0; i < agents.length; i++) if (busy.has(agents[i].id)) agents[i] = { ...agents[i], state: 'busy' };
    calls = calls.filter((c) => !gone.has(c.callId));
  }
  return { input: { config, calls, agents, now: NOW }, rnd, newCall: (id) => newCall(id) };
}
