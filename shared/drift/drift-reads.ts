/**
 * A drift scan's reads of the tenant, batched as the read plan says (read-plan.ts). A read that fails (429, 5xx,
 * timeout, token, network) makes the facts it would have read UNKNOWN — never drift: each fact is observed, absent
 * or unknown (observed.ts).
 */
import type { EndpointRecord } from '../domain';
import type { NumberAssignment, TenantGateway } from '../tenant';
import type { ObservedConsent, ObservedInstance, ObservedLicense, ObservedNumber, ObservedSync } from './compare';
import { absent, failedRead, fromRead, observed, unknownFact, type Observed } from './observed';
import type { DriftReadPlan } from './read-plan';

/** Facts of one kind, by the endpoint's UPN key. */
export type Facts<T> = Map<string, Observed<T>>;

/** A fact this read could not judge: the account was not found by it (the resource-account read decides). */
export const NOT_FOUND = {
  code: 'notEvaluated' as const,
  message: 'the account was not found by this read; the resource-account read decides whether it is missing',
};

const identityOf = (e: EndpointRecord) => e.objectId ?? e.actual?.objectId ?? e.desired.userPrincipalName;

/** Resource accounts: bridge batchGet, one call per group of ≤ 100; a failed call makes its group unknown. */
export async function readInstances(
  gateway: TenantGateway,
  plan: DriftReadPlan,
  byKey: Map<string, EndpointRecord>,
): Promise<Facts<ObservedInstance>> {
  const facts: Facts<ObservedInstance> = new Map();
  for (const group of plan.instanceBatches) {
    const endpoints = group.map((k) => byKey.get(k) as EndpointRecord);
    try {
      const r = await gateway.getApplicationInstances(endpoints.map(identityOf));
      const found = new Map<string, ObservedInstance>();
      for (const i of r.found) {
        const v = { objectId: i.objectId, applicationId: i.applicationId ?? null };
        found.set(i.objectId.toLowerCase(), v);
        if (i.userPrincipalName) found.set(i.userPrincipalName.toLowerCase(), v);
      }
      for (const e of endpoints) facts.set(e.upnKey, fromRead(found.get(identityOf(e).toLowerCase())));
    } catch (err) {
      for (const e of endpoints) facts.set(e.upnKey, failedRead(err));
    }
  }
  return facts;
}

/** APS mappings: bridge sync:batchGet, ≤ 100 accounts per call. An account the bridge cannot see has no mapping. */
export async function readSyncs(
  gateway: TenantGateway,
  plan: DriftReadPlan,
  byKey: Map<string, EndpointRecord>,
): Promise<Facts<ObservedSync>> {
  const facts: Facts<ObservedSync> = new Map();
  for (const group of plan.syncBatches) {
    const endpoints = group.map((k) => byKey.get(k) as EndpointRecord);
    try {
      const r = await gateway.getApplicationInstanceSyncs(endpoints.map(identityOf));
      const found = new Map(r.found.map((s) => [s.objectId.toLowerCase(), s]));
      for (const e of endpoints) {
        const s = found.get(identityOf(e).toLowerCase());
        facts.set(
          e.upnKey,
          s ? observed({ synced: !!s.synced, applicationId: s.applicationId }) : unknownFact(NOT_FOUND),
        );
      }
    } catch (err) {
      for (const e of endpoints) facts.set(e.upnKey, failedRead(err));
    }
  }
  return facts;
}

/** Entra users (usage location, licences): `$filter=id in (…)` sub-requests in `$batch`, ≤ 300 users per request. */
export async function readUsers(
  gateway: TenantGateway,
  plan: DriftReadPlan,
  byKey: Map<string, EndpointRecord>,
): Promise<{ usage: Facts<string>; licenses: Facts<readonly ObservedLicense[]>; missing: Set<string> }> {
  const usage: Facts<string> = new Map();
  const licenses: Facts<readonly ObservedLicense[]> = new Map();
  /** UPN keys whose user a successful read did not return. */
  const missing = new Set<string>();
  const noId = { code: 'notRead' as const, message: 'no object id is recorded for this endpoint' };
  for (const group of plan.userBatches) {
    const endpoints = group.map((k) => byKey.get(k) as EndpointRecord);
    const withId = endpoints.filter((e) => e.objectId ?? e.actual?.objectId);
    for (const e of endpoints)
      if (!withId.includes(e)) {
        usage.set(e.upnKey, unknownFact(noId));
        licenses.set(e.upnKey, unknownFact(noId));
      }
    if (withId.length === 0) continue;
    const idOf = (e: EndpointRecord) => (e.objectId ?? e.actual?.objectId ?? '').toLowerCase();
    try {
      const r = await gateway.findUsersByIds(withId.map(idOf), ['id', 'usageLocation', 'assignedLicenses']);
      const users = new Map(r.users.map((u) => [u.id.toLowerCase(), u]));
      const failed = new Map<string, unknown>();
      for (const f of r.failed) for (const id of f.ids) failed.set(id.toLowerCase(), f.error);
      for (const e of withId) {
        const id = idOf(e);
        if (failed.has(id)) {
          usage.set(e.upnKey, failedRead(failed.get(id)));
          licenses.set(e.upnKey, failedRead(failed.get(id)));
          continue;
        }
        const u = users.get(id);
        if (!u) {
          missing.add(e.upnKey);
          continue;
        }
        usage.set(e.upnKey, fromRead(u.usageLocation ?? null));
        licenses.set(e.upnKey, observed(u.assignedLicenses ?? []));
      }
    } catch (err) {
      for (const e of withId) {
        usage.set(e.upnKey, failedRead(err));
        licenses.set(e.upnKey, failedRead(err));
      }
    }
  }
  return { usage, licenses, missing };
}

/** The number inventory, page by page (≤ 1,000 a page); each account's number is looked up by assignment target. */
export async function readNumbers(
  gateway: TenantGateway,
  endpoints: readonly EndpointRecord[],
): Promise<Facts<ObservedNumber>> {
  const facts: Facts<ObservedNumber> = new Map();
  if (endpoints.length === 0) return facts;
  try {
    const byTarget = new Map<string, NumberAssignment>();
    let nextLink: string | undefined;
    do {
      const page = await gateway.listNumbers(nextLink ? { nextLink } : { top: 1000 });
      for (const n of page.items) {
        if (!n.assignmentTargetId || n.assignmentStatus === 'unassigned') continue;
        const key = n.assignmentTargetId.toLowerCase();
        // An account with several numbers: its primary one is the one provisioning assigned.
        if (!byTarget.has(key) || n.assignmentCategory === 'primary') byTarget.set(key, n);
      }
      nextLink = page.nextLink;
    } while (nextLink);
    for (const e of endpoints) {
      const id = (e.objectId ?? e.actual?.objectId)?.toLowerCase();
      const n = id ? byTarget.get(id) : undefined;
      facts.set(e.upnKey, n ? observed({ telephoneNumber: n.telephoneNumber, numberType: n.numberType }) : absent());
    }
  } catch (err) {
    for (const e of endpoints) facts.set(e.upnKey, failedRead(err));
  }
  return facts;
}

/** A bot app's consent: its service principal (absent = never consented), app-role assignments, delegated grants. */
export async function readAppConsent(
  gateway: TenantGateway,
  applicationId: string,
): Promise<Observed<ObservedConsent>> {
  try {
    const sp = await gateway.getServicePrincipal(applicationId);
    if (!sp) return absent();
    const [roles, grants] = await Promise.all([
      gateway.listAppRoleAssignments(sp.id),
      gateway.listOauth2PermissionGrants(sp.id),
    ]);
    return observed({ appRoles: roles.map((r) => r.appRoleId), delegatedScopes: grants.map((g) => g.scope) });
  } catch (err) {
    return failedRead(err);
  }
}
