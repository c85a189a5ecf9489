/**
 * The call machine's transition on a position and wait announcement (call.rules.ts dispatches here): a waiting call
 * (queued, no offer open) hears the prompts; the story logs the position and the estimate with the wait so far, so
 * each estimate can be set beside the wait that followed (the `connected` entry's `waitMs`).
 */
import { CallInput, isEnding } from './call.record';
import { callPhase } from './call.outcome';
import type { Step } from './call.step';

export function applyAnnounce(t: Step, i: Extract<CallInput, { kind: 'announce' }>): string | undefined {
  const r = t.r;
  const phase = callPhase(r);
  if (isEnding(r)) return 'the call is ending';
  if (phase !== 'queued') return `a call ${phase} is not waiting`;
  const estimate =
    i.estimateS === undefined ? 'no estimate (no agent staffed)' : `estimated wait ${Math.round(i.estimateS)} s`;
  t.entry('announced', i.at, {
    callQueueId: r.callQueueId,
    waitMs: t.waitMs(i.at),
    detail: `position ${i.position}, ${estimate}`,
  });
  if (!i.promptUris.length) return undefined;
  const clientContext = t.clientContext('announcement');
  r.pendingOps[clientContext] = { purpose: 'announcement' };
  t.commands.push({ op: 'playPrompt', callId: r.callId, promptUris: i.promptUris.slice(0, 20), clientContext });
  return undefined;
}
