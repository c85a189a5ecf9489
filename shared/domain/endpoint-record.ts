/**
 * An endpoint as Switchboard records it (table `endpoints`): the desired state from the request, the actual state last
 * seen, the status. Shared by the capabilities that read endpoints (provisioning owns them; bulk and drift read them).
 */
import { z } from 'zod';
import { NUMBER_TYPES, type EndpointStatus, type NumberType } from './enums';

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

/** The endpoint's actual state last seen in the tenant (a part of the API's endpoint view too). */
export const actualEndpointSchema = z.object({
  objectId: z.string().optional(),
  applicationId: z.string().optional(),
  synced: z.boolean().optional(),
  usageLocation: z.string().optional(),
  licensed: z.boolean().optional(),
  phoneNumber: z.string().optional(),
  numberType: z.enum(NUMBER_TYPES).optional(),
  queueId: z.string().optional(),
  menuId: z.string().optional(),
  /** ISO time the actual state was read. */
  observedAt: z.string().optional(),
});
export type ActualEndpoint = z.infer<typeof actualEndpointSchema>;

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
