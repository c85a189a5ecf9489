/** What the endpoint triggers share: the endpoint service (with the request's durable client) and URLs. */
import type { HttpRequest } from '@azure/functions';
import type * as df from 'durable-functions';
import { appRoot } from '../composition-root';
import { pathParam } from '../lib/api-handler';

export const endpointService = (client: df.DurableClient) => appRoot().endpointService(client);

export const endpointUrl = (request: HttpRequest, tenantId: string, upn: string) =>
  new URL(`/api/tenants/${encodeURIComponent(tenantId)}/endpoints/${encodeURIComponent(upn)}`, request.url).toString();

/** The `{upn}` route parameter as the endpoint's key (call it after authentication; 400 on a broken encoding). */
export const upnKeyOf = (request: HttpRequest) => pathParam(request, 'upn').trim().toLowerCase();
