/**
 * Who may take PSTN calls under the Direct Routing model: a Teams user needs Teams Phone Standard (the "Phone
 * System" service plan MCOEV), bought alone or inside a suite that includes it (Microsoft 365 E5, Office 365 E5, …);
 * Direct Routing brings its own trunk, so no Calling Plan is needed (learn.microsoft.com/microsoftteams/direct-routing-plan
 * "Licensing and other requirements"; ids from "Product names and service plan identifiers for licensing",
 * learn.microsoft.com/entra/identity/users/licensing-service-plan-reference). A licence is read from the user's
 * `assignedPlans` (the MCOEV plan, enabled) and, as a fallback for reads without plans, `assignedLicenses`.
 */
/** Service plan "Microsoft 365 Phone System" (MCOEV). */
export const PHONE_SYSTEM_SERVICE_PLAN_ID = '4828c8ec-dc2e-4779-b502-87ac9ce28ab7';

/** SKUs that include the Phone System plan, by skuId → skuPartNumber. */
export const TEAMS_PHONE_SKUS: Readonly<Record<string, string>> = Object.freeze({
  'e43b5b99-8dfb-405f-9987-dc307f34bcbd': 'MCOEV', // Microsoft Teams Phone Standard
  '06ebc4ee-1bb5-47dd-8120-11324bc54e06': 'SPE_E5', // Microsoft 365 E5
  'c7df2760-2c81-4ef7-b578-5b5392b571df': 'ENTERPRISEPREMIUM', // Office 365 E5
  '26d45bd9-adf1-46cd-a9e1-51e9a5524128': 'ENTERPRISEPREMIUM_NOPSTNCONF', // Office 365 E5 without Audio Conferencing
});

export interface LicensedUserLike {
  assignedLicenses?: { skuId: string }[];
  assignedPlans?: { servicePlanId: string; capabilityStatus: string }[];
}

/** Whether the user holds Teams Phone (the Phone System plan, or a SKU known to include it). */
export function hasTeamsPhone(user: LicensedUserLike): boolean {
  const plans = user.assignedPlans ?? [];
  // The plans say what is in force (a SKU with the plan disabled lists it as not Enabled): they win when present.
  if (plans.length)
    return plans.some(
      (p) => p.servicePlanId.toLowerCase() === PHONE_SYSTEM_SERVICE_PLAN_ID && p.capabilityStatus === 'Enabled',
    );
  return (user.assignedLicenses ?? []).some((l) => l.skuId.toLowerCase() in TEAMS_PHONE_SKUS);
}
