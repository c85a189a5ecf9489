/**
 * What bulk import needs of the provisioning capability, as a port: read the tenant's endpoint rows (to know the
 * accounts Switchboard made, and to reconcile rows that joined another run) and request a provisioning run for a
 * row. The composition root hands in the provisioning repository and service, which satisfy it.
 */
import type { EndpointRecord, EndpointRequest, RequestOutcome } from '../domain';
import type { ListPage } from '../storage';

export interface BulkEndpointReader {
  get(tenantId: string, upnKey: string): Promise<EndpointRecord | undefined>;
  list(tenantId: string, o?: { top?: number; continuationToken?: string }): Promise<ListPage<EndpointRecord>>;
}

export interface BulkEndpointStarter {
  /** Starts (or joins) the endpoint's provisioning run on behalf of a bulk row. */
  requestProvision(
    tenantId: string,
    request: EndpointRequest,
    options: { bulk: { batchId: string; row: number } },
  ): Promise<RequestOutcome>;
}
