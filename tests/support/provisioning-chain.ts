/** What the provisioning chain does on a fresh tenant, as both the replay tests and the end-to-end tests expect it. */

/** The activities a full chain (new account, licence, number) schedules, in order: 12, three of them publishes. */
export const FULL_CHAIN_ACTIVITIES: readonly string[] = [
  'checkConsent',
  'preflight',
  'ensureApplicationInstance',
  'recordProgress',
  'getApplicationInstance',
  'syncApplicationInstance',
  'ensureUsageLocation',
  'ensureLicense',
  'recordProgress',
  'ensureNumberAssigned',
  'getNumberOperation',
  'recordProgress',
];
