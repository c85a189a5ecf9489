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
  /** Starts the workflow for the record's current run; a workflow already running with that id is left alone. */
  start(kind: WorkflowKind, record: EndpointRecord, options?: WorkflowStartOptions): Promise<void>;
}
