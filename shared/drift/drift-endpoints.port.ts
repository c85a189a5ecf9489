/**
 * What drift checks need of the provisioning capability, as a port: the tenant's endpoint rows, the tenants that have
 * any, and a repair (a new provisioning run) of one endpoint. The composition root hands in the provisioning
 * repository and service, which satisfy it.
 */
import type { EndpointRecord, RepairOutcome } from '../domain';

export interface DriftEndpointReader {
  /** Every endpoint row of a tenant (all pages). */
  listAll(tenantId: string): Promise<EndpointRecord[]>;
  /** Tenants with at least one endpoint row (what the timer checks). */
  tenantIds(): Promise<string[]>;
}

/** Starts a repair of one endpoint (the provision instance id keeps it to one run at a time). */
export type RepairEndpoint = (tenantId: string, upnKey: string) => Promise<RepairOutcome>;
