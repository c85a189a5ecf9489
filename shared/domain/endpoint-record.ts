/**
 * An endpoint as Switchboard records it (table `endpoints`): the desired state from the request, the actual state last
 * seen, the status. Shared by the capabilities that read endpoints (provisioning owns them; bulk and drift read them).
 */
import type { EndpointStatus, NumberType } from './enums';

export interface DesiredEndpoint {
  userPrincipalName: string;
  displayName: string;
  applicationId: string;
  usageLocation?: string;
  phoneNumber?: string;
  numberType?: NumberType;
  queueId?: string;
  /** The menu callers hear first (instead of a call queue): set by `PATCH …/endpoints/{upn}`. */
  menuId?: string;
  keepPartial?: boolean;
}

export interface ActualEndpoint {
  objectId?: string;
  applicationId?: string;
  synced?: boolean;
  usageLocation?: string;
  licensed?: boolean;
  phoneNumber?: string;
  numberType?: NumberType;
  queueId?: string;
  menuId?: string;
  /** ISO time the actual state was read. */
  observedAt?: string;
}

export interface EndpointRecord {
  tenantId: string;
  /** Lower-cased UPN (the key). */
  upnKey: string;
  desired: DesiredEndpoint;
  actual?: ActualEndpoint;
  status: EndpointStatus;
  objectId?: string;
  /** Orchestration instance / run that last worked on it. */
  runId?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  /** Concurrency token of the stored row (read-only; set by the repository). */
  etag?: string;
}

/** What a provisioning request came to (EndpointService.requestProvision). */
export type RequestOutcome =
  | { kind: 'accepted'; record: EndpointRecord; started: boolean }
  | { kind: 'conflict'; record: EndpointRecord; detail: string }
  | { kind: 'notFound' };

/** What a repair request came to (EndpointService.requestRepair). */
export type RepairOutcome = { kind: 'started'; record: EndpointRecord } | { kind: 'skipped'; reason: string };
