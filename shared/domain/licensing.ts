/**
 * The Teams Phone Resource Account licence and its free pool. Every tenant gets 25, plus 1 per 10 Teams Phone
 * Standard / Calling Plan / Shared Devices licences; they must still be "purchased" at zero cost in the Microsoft 365
 * admin center before they exist in the tenant (before that the SKU is missing or has 0 enabled units).
 */
import type { LicenseRule } from './enums';

export const RESOURCE_ACCOUNT_SKU = Object.freeze({
  skuId: '440eaaa8-b3e0-484b-a8be-62870b9ba70a',
  skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
  servicePlanId: 'f47330e9-c134-43b3-9993-e7f004506889',
  servicePlanName: 'MCOEV_VIRTUALUSER',
});
export const RESOURCE_ACCOUNT_SKU_GOV = Object.freeze({
  skuId: '2cf22bcb-0c9e-4bc6-8daf-7e7654c0f285',
  skuPartNumber: 'PHONESYSTEM_VIRTUALUSER_GOV',
});

export const FREE_RESOURCE_ACCOUNT_BASE = 25;
export const QUALIFYING_SEATS_PER_EXTRA_LICENSE = 10;

/** Free resource-account licences a tenant is entitled to, given its Teams Phone / Calling Plan / Shared Devices seats. */
export function freeResourceAccountEntitlement(qualifyingSeats: number): number {
  const seats = Number.isFinite(qualifyingSeats) && qualifyingSeats > 0 ? Math.floor(qualifyingSeats) : 0;
  return FREE_RESOURCE_ACCOUNT_BASE + Math.floor(seats / QUALIFYING_SEATS_PER_EXTRA_LICENSE);
}

/** The subset of a Graph `subscribedSku` the pool math reads. */
export interface SubscribedSkuLike {
  skuId: string;
  skuPartNumber?: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number; suspended?: number; warning?: number; lockedOut?: number };
}

export type PoolState =
  | { kind: 'available'; enabled: number; consumed: number; free: number }
  | { kind: 'exhausted'; enabled: number; consumed: number; free: 0; message: string }
  | { kind: 'notAcquired'; message: string };

const ACQUIRE_HINT =
  'The free Microsoft Teams Phone Resource Account licences have not been acquired yet: acquire them at zero cost ' +
  'in the Microsoft 365 admin center (Billing > Purchase services > "Microsoft Teams Phone Resource Account").';

/** Reads the resource-account pool out of `GET /subscribedSkus` (matched on skuId or skuPartNumber, client-side). */
export function resourceAccountPool(skus: readonly SubscribedSkuLike[]): PoolState {
  const ids = new Set<string>([RESOURCE_ACCOUNT_SKU.skuId, RESOURCE_ACCOUNT_SKU_GOV.skuId]);
  const names = new Set<string>([RESOURCE_ACCOUNT_SKU.skuPartNumber, RESOURCE_ACCOUNT_SKU_GOV.skuPartNumber]);
  const matching = skus.filter(
    (s) => ids.has(s.skuId.toLowerCase()) || (s.skuPartNumber && names.has(s.skuPartNumber)),
  );
  const enabled = matching.reduce((n, s) => n + (s.prepaidUnits?.enabled ?? 0), 0);
  const consumed = matching.reduce((n, s) => n + (s.consumedUnits ?? 0), 0);
  if (matching.length === 0 || enabled === 0) return { kind: 'notAcquired', message: ACQUIRE_HINT };
  const free = enabled - consumed;
  if (free <= 0) {
    return {
      kind: 'exhausted',
      enabled,
      consumed,
      free: 0,
      message:
        `All ${enabled} Microsoft Teams Phone Resource Account licences are in use (${consumed} consumed). Free one ` +
        'up or acquire more (25 free per tenant, plus 1 per 10 Teams Phone Standard / Calling Plan / Shared Devices licences).',
    };
  }
  return { kind: 'available', enabled, consumed, free };
}

/** Whether a resource account needs the licence under the tenant's rule. */
export function needsResourceAccountLicense(rule: LicenseRule, wantsNumber: boolean): boolean {
  return rule === 'allResourceAccounts' || wantsNumber;
}
