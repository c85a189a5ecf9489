/** Number types of the Teams number-assignment API (and Set-CsPhoneNumberAssignment -PhoneNumberType). */
export const NUMBER_TYPES = ['callingPlan', 'directRouting', 'operatorConnect'] as const;
export type NumberType = (typeof NUMBER_TYPES)[number];

/** Lifecycle of an endpoint (resource account) as the API reports it. */
export const ENDPOINT_STATUSES = [
  'Pending',
  'Provisioning',
  'Provisioned',
  'Failed',
  'Deprovisioning',
  'Deprovisioned',
] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** Status of one step in an endpoint's step log. */
export const STEP_STATUSES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Skipped', 'Compensated'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export function isNumberType(v: unknown): v is NumberType {
  return typeof v === 'string' && (NUMBER_TYPES as readonly string[]).includes(v);
}
export function isEndpointStatus(v: unknown): v is EndpointStatus {
  return typeof v === 'string' && (ENDPOINT_STATUSES as readonly string[]).includes(v);
}

/** Which resource accounts get the Teams Phone Resource Account licence (current Microsoft rule: all of them). */
export const LICENSE_RULES = ['allResourceAccounts', 'numberedOnly'] as const;
export type LicenseRule = (typeof LICENSE_RULES)[number];
