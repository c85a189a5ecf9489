/**
 * The rules of endpoint requests: what a POST or DELETE does given the endpoint's current state, so repeating a
 * request never duplicates work and provisioning and deprovisioning never run on one endpoint at once.
 * Durable orchestrations are reached through the {@link EndpointWorkflows} port (the function layer implements it
 * with the durable client).
 */
import { randomUUID } from 'node:crypto';
import type {
  DesiredEndpoint,
  EndpointRecord,
  EndpointRequest,
  EndpointStatus,
  EndpointView,
  RepairOutcome,
  RequestOutcome,
} from '../domain';
import type { EndpointStepsRepository, StepRecord } from './endpoint-steps.repository';
import type { EndpointsRepository } from './endpoints.repository';
import {
  WorkflowBusyError,
  type EndpointWorkflows,
  type WorkflowKind,
  type WorkflowStartOptions,
} from './workflows.port';

const IN_FLIGHT: readonly EndpointStatus[] = ['Pending', 'Provisioning'];

export class EndpointService {
  constructor(
    private readonly endpoints: EndpointsRepository,
    private readonly steps: EndpointStepsRepository,
    private readonly workflows: EndpointWorkflows,
    /**
     * The bot app id (BOT_APP_ID) and the tenant's default usage location: its organization's country, or
     * DEFAULT_USAGE_LOCATION (see TenantCountry) — read only for a request that names none.
     */
    private readonly defaults: { applicationId: string; usageLocation: (tenantId: string) => Promise<string> },
  ) {}

  /** The desired state a request asks for, with the tenant's defaults filled in. */
  async desiredFrom(tenantId: string, request: EndpointRequest): Promise<DesiredEndpoint> {
    return {
      userPrincipalName: request.userPrincipalName,
      displayName: request.displayName,
      applicationId: request.applicationId ?? this.defaults.applicationId,
      usageLocation: request.usageLocation ?? (await this.defaults.usageLocation(tenantId)),
      phoneNumber: request.phoneNumber,
      numberType: request.numberType,
      queueId: request.queueId,
      keepPartial: request.keepPartial,
    };
  }

  async requestProvision(
    tenantId: string,
    request: EndpointRequest,
    options: WorkflowStartOptions = {},
  ): Promise<RequestOutcome> {
    const desired = await this.desiredFrom(tenantId, request);
    if (await this.workflows.isRunning('deprovision', tenantId, request.upnKey)) {
      const record = await this.endpoints.get(tenantId, request.upnKey);
      if (record)
        return {
          kind: 'conflict',
          record,
          detail: `${request.userPrincipalName} is being deprovisioned; try again when that has finished.`,
        };
    }
    let action = 'none' as 'start' | 'ensureStarted' | 'none' | 'conflict';
    const record = await this.endpoints.update(tenantId, request.upnKey, (current) => {
      const now = new Date().toISOString();
      if (!current || current.status === 'Failed' || current.status === 'Deprovisioned') {
        action = 'start';
        return {
          tenantId: tenantId.toLowerCase(),
          upnKey: request.upnKey,
          desired,
          status: 'Pending',
          runId: randomUUID(),
          objectId: current?.status === 'Failed' ? current.objectId : undefined,
          createdAt: current?.createdAt ?? now,
          updatedAt: now,
        };
      }
      const same = sameDesired(current.desired, desired);
      if (current.status === 'Deprovisioning') {
        action = 'conflict';
        return undefined;
      }
      if (IN_FLIGHT.includes(current.status)) {
        action = same ? 'ensureStarted' : 'conflict';
        return undefined;
      }
      // Provisioned: the same request is done already; a changed one converges the tenant to it.
      if (same) {
        action = 'none';
        return undefined;
      }
      action = 'start';
      return { ...current, desired, status: 'Pending', runId: randomUUID(), lastError: undefined, updatedAt: now };
    });
    const stored = record ?? (await this.endpoints.get(tenantId, request.upnKey));
    if (!stored) throw new Error(`endpoint ${request.upnKey} vanished while being requested`);
    if (action === 'conflict') {
      return {
        kind: 'conflict',
        record: stored,
        detail:
          stored.status === 'Deprovisioning'
            ? `${request.userPrincipalName} is being deprovisioned; try again when that has finished.`
            : `${request.userPrincipalName} is still being provisioned with different settings; try again when it has finished.`,
      };
    }
    if (action === 'none') return { kind: 'accepted', record: stored, started: false };
    return this.startRun('provision', stored, action === 'ensureStarted', options);
  }

  async requestDeprovision(tenantId: string, upnKey: string): Promise<RequestOutcome> {
    let action = 'none' as 'start' | 'ensureStarted' | 'none' | 'conflict';
    // The row says whether a provisioning run is in flight: every run sets it Pending when it starts, and its last
    // activity writes Provisioned or Failed. The instance may still read Running for that last beat (it completes
    // after the write), with no side effects left to make: a deprovision then is no conflict.
    const record = await this.endpoints.update(tenantId, upnKey, (current) => {
      if (!current) return undefined;
      if (IN_FLIGHT.includes(current.status)) {
        action = 'conflict';
        return undefined;
      }
      if (current.status === 'Deprovisioned') return undefined;
      if (current.status === 'Deprovisioning') {
        action = 'ensureStarted';
        return undefined;
      }
      action = 'start';
      return {
        ...current,
        status: 'Deprovisioning',
        runId: randomUUID(),
        lastError: undefined,
        updatedAt: new Date().toISOString(),
      };
    });
    const stored = record ?? (await this.endpoints.get(tenantId, upnKey));
    if (!stored) return { kind: 'notFound' };
    if (action === 'conflict') {
      return {
        kind: 'conflict',
        record: stored,
        detail: `${stored.desired.userPrincipalName} is still being provisioned; deprovision it when it is Provisioned or Failed.`,
      };
    }
    if (action === 'none') return { kind: 'accepted', record: stored, started: false };
    return this.startRun('deprovision', stored, action === 'ensureStarted');
  }

  /**
   * Starts the record's run, or finds it running. Only an instance running the record's runId counts: an older run
   * still finishing (it wrote its final status, the instance is not Completed yet) is not this run — the start waits
   * it out, and if it will not finish the request is refused (409, try again), never reported as accepted, so an
   * endpoint is never left Pending with a runId no orchestration runs.
   */
  private async startRun(
    kind: WorkflowKind,
    stored: EndpointRecord,
    ensure: boolean,
    options: WorkflowStartOptions = {},
  ): Promise<RequestOutcome> {
    if (ensure && stored.runId) {
      const running = await this.workflows.runningRunId(kind, stored.tenantId, stored.upnKey);
      if (running === stored.runId) return { kind: 'accepted', record: stored, started: false };
    }
    try {
      await this.workflows.start(kind, stored, options);
    } catch (err) {
      if (!(err instanceof WorkflowBusyError)) throw err;
      return { kind: 'conflict', record: stored, detail: err.message };
    }
    return { kind: 'accepted', record: stored, started: true };
  }

  /**
   * Repair (drift remediation): starts a new provisioning run of a Provisioned endpoint with its stored desired
   * state — the chain is idempotent, so it converges whatever drifted. Only a Provisioned endpoint with no run in
   * flight is repaired; the ETag-guarded Provisioned → Pending move lets exactly one of two concurrent repairs start.
   */
  async requestRepair(tenantId: string, upnKey: string): Promise<RepairOutcome> {
    if (await this.workflows.isRunning('deprovision', tenantId, upnKey)) {
      return { kind: 'skipped', reason: 'it is being deprovisioned' };
    }
    if (await this.workflows.isRunning('provision', tenantId, upnKey)) {
      return { kind: 'skipped', reason: 'a provisioning run is already in flight' };
    }
    let reason: string | undefined;
    const record = await this.endpoints.update(tenantId, upnKey, (current) => {
      if (!current) {
        reason = 'the endpoint no longer exists';
        return undefined;
      }
      if (current.status !== 'Provisioned') {
        reason = `its status is ${current.status}, not Provisioned`;
        return undefined;
      }
      reason = undefined;
      const now = new Date().toISOString();
      return { ...current, status: 'Pending', runId: randomUUID(), lastError: undefined, updatedAt: now };
    });
    if (reason !== undefined || !record) return { kind: 'skipped', reason: reason ?? 'the endpoint no longer exists' };
    const outcome = await this.startRun('provision', record, false);
    if (outcome.kind === 'conflict') return { kind: 'skipped', reason: outcome.detail };
    return { kind: 'started', record };
  }

  async get(tenantId: string, upnKey: string): Promise<EndpointView | undefined> {
    const record = await this.endpoints.get(tenantId, upnKey);
    if (!record) return undefined;
    const steps = record.runId ? await this.steps.list(tenantId, upnKey, record.runId) : [];
    return toView(record, steps);
  }

  async list(tenantId: string, o: { top?: number; continuationToken?: string }) {
    const page = await this.endpoints.list(tenantId, o);
    return { value: page.items.map((r) => toView(r, [])), continuationToken: page.continuationToken };
  }
}

export function toView(record: EndpointRecord, steps: StepRecord[]): EndpointView {
  const d = record.desired;
  return {
    userPrincipalName: d.userPrincipalName,
    displayName: d.displayName,
    applicationId: d.applicationId,
    objectId: record.objectId,
    phoneNumber: d.phoneNumber,
    numberType: d.numberType,
    usageLocation: d.usageLocation,
    queueId: d.queueId,
    menuId: d.menuId,
    status: record.status,
    error: record.lastError,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    actual: record.actual,
    steps: steps
      .sort((a, b) => a.seq - b.seq)
      .map((s) => ({
        name: s.step,
        status: s.status,
        attempts: s.attempts,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        error: s.error,
      })),
  };
}

function sameDesired(a: DesiredEndpoint, b: DesiredEndpoint): boolean {
  const keys: (keyof DesiredEndpoint)[] = [
    'userPrincipalName',
    'displayName',
    'applicationId',
    'usageLocation',
    'phoneNumber',
    'numberType',
    'queueId',
  ];
  return keys.every((k) => (a[k] ?? null) === (b[k] ?? null));
}
