/**
 * The port through which the endpoint service starts and inspects the Durable workflows of an endpoint. The
 * orchestration layer implements it with the durable client (orchestrations/provisioning/durable-workflows.ts).
 */
import type { EndpointRecord } from '../domain';

export type WorkflowKind = 'provision' | 'deprovision';

/** Extra context for a workflow start: the bulk row the run works for, if any (recorded when the run ends). */
export interface WorkflowStartOptions {
  bulk?: { batchId: string; row: number };
}

export interface EndpointWorkflows {
  /** True while the endpoint's workflow of that kind is Pending or Running. */
  isRunning(kind: WorkflowKind, tenantId: string, upnKey: string): Promise<boolean>;
  /** The runId of the endpoint's in-flight workflow of that kind ('' when it has none), undefined when none runs. */
  runningRunId(kind: WorkflowKind, tenantId: string, upnKey: string): Promise<string | undefined>;
  /**
   * Starts the workflow for the record's current run; one already running THIS run (same runId) is left alone. An
   * older run still finishing is waited out; if it does not finish, throws {@link WorkflowBusyError}.
   */
  start(kind: WorkflowKind, record: EndpointRecord, options?: WorkflowStartOptions): Promise<void>;
}

/** A start refused because an older run of the endpoint is still finishing: the request is refused (409), not lost. */
export class WorkflowBusyError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'WorkflowBusyError';
  }
}
