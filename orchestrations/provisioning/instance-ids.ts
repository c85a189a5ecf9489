/**
 * Durable instance ids of an endpoint's workflows. Built from a hash of tenant + UPN key, never the raw UPN: a `#`
 * (legal in a UPN) cuts an instance id in the Azure Storage backend — `q#1@x` and `q#2@x` would be one instance —
 * and a long UPN would pass the 100-character limit. The UPN travels in the orchestration's input instead.
 *
 * Instances started before this change have the legacy ids (`provision:{tenantId}:{upnKey}`): the durable workflows
 * adapter also looks those up where it asks whether a run is in flight, so a run already under way is not doubled.
 */
import { createHash } from 'node:crypto';

/** sha256 of `{tenantId}|{upnKey}` (both lower-cased), hex: 64 characters. */
export function endpointKeyHash(tenantId: string, upnKey: string): string {
  return createHash('sha256').update(`${tenantId.toLowerCase()}|${upnKey.toLowerCase()}`).digest('hex');
}

/** `provision:{hash}` — 74 characters. */
export const provisionInstanceId = (tenantId: string, upnKey: string) =>
  `provision:${endpointKeyHash(tenantId, upnKey)}`;
/** `deprovision:{hash}` — 76 characters. */
export const deprovisionInstanceId = (tenantId: string, upnKey: string) =>
  `deprovision:${endpointKeyHash(tenantId, upnKey)}`;

/** The id an instance started before the hashed ids had (looked up for in-flight runs only). */
export const legacyInstanceId = (kind: 'provision' | 'deprovision', tenantId: string, upnKey: string) =>
  `${kind}:${tenantId}:${upnKey}`;
