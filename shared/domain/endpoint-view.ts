/**
 * The endpoints API's replies, as `GET /api/tenants/{tenantId}/endpoints[/{upn}]` return them: one shape for the
 * service that builds them, the CLI that prints them and the tests that read them.
 */
import type { EndpointStatus } from './enums';
import type { ActualEndpoint } from './endpoint-record';

export interface EndpointView {
  userPrincipalName: string;
  displayName: string;
  applicationId: string;
  objectId?: string;
  phoneNumber?: string;
  numberType?: string;
  usageLocation?: string;
  queueId?: string;
  menuId?: string;
  status: EndpointStatus;
  error?: string;
  createdAt: string;
  updatedAt: string;
  actual?: ActualEndpoint;
  steps: { name: string; status: string; attempts: number; startedAt?: string; endedAt?: string; error?: string }[];
}

/** One page of `GET …/endpoints` (`top`, `continuationToken`). */
export interface EndpointPageView {
  value: EndpointView[];
  continuationToken?: string;
}
