// The humans on the far side: Teams agents who ring, answer and talk; their presence follows their calls.
import type { CallEngine } from './engine';
import type { SimCall } from './types';

const AVAILABLE_TO_ANSWER = new Set(['Available', 'AvailableIdle', 'Away', 'BeRightBack']);

export class People {
  /** agentId → callId while the agent talks */
  readonly agentBusy = new Map<string, string>();

  constructor(private readonly e: CallEngine) {}

  reset(): void {
    this.agentBusy.clear();
  }

  /** Rings an agent: they answer after answerDelayMs with answerProbability, if free and present; else never. */
  ringAgent(call: SimCall, agentId: string, timeoutMs: number, done: (answered: boolean) => void): void {
    const tenant = this.e.core.tenants.get(call.tenantId)!;
    const profile = tenant.agentProfiles.get(agentId);
    const presence = tenant.presence.get(agentId);
    const willAnswer =
      !!profile &&
      !!presence &&
      AVAILABLE_TO_ANSWER.has(presence.availability) &&
      !this.agentBusy.has(agentId) &&
      Math.random() < profile.answerProbability &&
      profile.answerDelayMs < timeoutMs;
    if (willAnswer) this.e.after(call, profile!.answerDelayMs, () => done(true));
    else this.e.after(call, timeoutMs, () => done(false));
  }

  occupyAgent(call: SimCall, agentId: string): void {
    const tenant = this.e.core.tenants.get(call.tenantId)!;
    call.agentId = agentId;
    call.connectedAt = Date.now();
    this.agentBusy.set(agentId, call.id);
    tenant.presence.set(agentId, { availability: 'Busy', activity: 'InACall' });
    this.e.connected(call);
    // the caller talks for their handle time, then hangs up
    this.e.after(call, call.handleTimeS * 1000, () => {
      this.e.terminate(
        call,
        { code: 200, subcode: 5010, message: 'The call was ended by the remote party.' },
        'completed',
      );
    });
  }

  /** The call ended: its agent is free again. */
  release(call: SimCall): void {
    if (call.agentId && this.agentBusy.get(call.agentId) === call.id) {
      this.agentBusy.delete(call.agentId);
      const tenant = this.e.core.tenants.get(call.tenantId);
      if (tenant?.presence.has(call.agentId))
        tenant.presence.set(call.agentId, { availability: 'Available', activity: 'Available' });
    }
  }
}
