/**
 * Reading an orchestration instance's status through the durable client, as every starter needs it: an instance that
 * never ran is "no status" (the client answers 404), and a run counts as in flight while Pending, Running,
 * ContinuedAsNew or Suspended.
 */
import type { DurableClient, DurableOrchestrationStatus } from 'durable-functions';

const ACTIVE_RUNTIME_STATUSES: ReadonlySet<string> = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

/** True while a run with this runtime status is in flight. */
export const isActiveStatus = (runtimeStatus: unknown): boolean => ACTIVE_RUNTIME_STATUSES.has(String(runtimeStatus));

/** The instance's status, or undefined when there is no such instance. */
export async function instanceStatus(
  client: DurableClient,
  instanceId: string,
  o: { showInput?: boolean } = {},
): Promise<DurableOrchestrationStatus | undefined> {
  try {
    return await client.getStatus(instanceId, o);
  } catch (err) {
    if (err instanceof Error && /404/.test(err.message)) return undefined;
    throw err;
  }
}
