/**
 * Provisioning activities: small, idempotent, named for the effect (read, then converge). Each returns an
 * {@link Outcome}: expected tenant conditions (not replicated yet, throttled, licence not effective yet) are
 * `retryLater`, conditions an admin must fix are `fail` with a message that says what to do.
 */
import {
  EMPTY_GUID,
  RESOURCE_ACCOUNT_SKU,
  resourceAccountPool,
  sameId,
  type ConsentDiff,
  type NumberType,
} from '../../shared/domain';
import { readConsent } from '../../shared/provisioning';
import { isTenantError, redactErrorText, type NumberAssignment, type TenantGateway } from '../../shared/tenant';
import { activityContracts } from '../activity';
import { fail, ok, retryLater, type Outcome } from './outcome';

/** Runs a tenant interaction, turning classified tenant errors into outcomes; anything else fails the activity. */
export async function tenantCall<T>(
  gateway: (tenantId: string) => TenantGateway,
  tenantId: string,
  body: (gateway: TenantGateway) => Promise<Outcome<T>>,
): Promise<Outcome<T>> {
  try {
    return await body(gateway(tenantId));
  } catch (err) {
    if (!isTenantError(err)) throw err;
    const extra = { code: err.code, retryAfterMs: err.retryAfterMs };
    // Upstream text goes to the step log, the endpoint's error, replies and CSVs: redacted and cut first.
    const message = redactErrorText(`${err.operation ?? err.source}: ${err.message}`);
    if (err.retryable) return retryLater(message, extra);
    return fail(message, extra);
  }
}

/**
 * Tenant facts that hold for minutes and that every endpoint of a bulk import would otherwise read again (3 consent
 * reads and a licence-pool read per endpoint). Only good news is kept — a complete consent, a pool with room to
 * spare — so a fix an admin makes (granting consent, acquiring licences) is seen by the very next run. A Map with
 * expiry times: too small a need for a cache library.
 */
const CONSENT_TTL_MS = 5 * 60_000;
const POOL_TTL_MS = 30_000;
/** Below this many free licences every run reads the pool again (the last ones go fast in a bulk import). */
const POOL_ROOMY = 50;

/** Good news about a tenant, kept for a while (one cache per activity set, so per app instance). */
class GoodNews {
  private readonly until = new Map<string, number>();
  constructor(private readonly now: () => number) {}
  stillGood = (key: string) => (this.until.get(key) ?? 0) > this.now();
  keepGood = (key: string, ttlMs: number) => void this.until.set(key, this.now() + ttlMs);
  forget = (key: string) => void this.until.delete(key);
}

/** "Subscription with SKU … does not have any available licenses." and its kin. */
const NO_SEATS = /available licen[cs]es|no (available|free) (seats|licen)|exceed/i;

/** "User not found" / NotFound / "service unavailable" right after licensing: the licence is not effective yet. */
const LICENCE_NOT_EFFECTIVE = /not found|notfound|unavailable|try again|on-premises/i;

function numberProblem(
  number: NumberAssignment | undefined,
  wanted: { phoneNumber?: string; numberType?: NumberType },
  ownObjectId: string | undefined,
): string | undefined {
  if (!number) return `${wanted.phoneNumber} is not in the tenant's number inventory: acquire or port it first.`;
  if (number.numberType !== wanted.numberType) {
    return `${wanted.phoneNumber} is a ${number.numberType} number, not ${wanted.numberType}: fix numberType.`;
  }
  if (number.capabilities && !number.capabilities.includes('voiceApplicationAssignment')) {
    return (
      `${wanted.phoneNumber} can only be assigned to users (capabilities: ${number.capabilities.join(', ')}); ` +
      'a resource account needs a service number with voiceApplicationAssignment.'
    );
  }
  if (number.assignmentTargetId && !sameId(number.assignmentTargetId, ownObjectId)) {
    return `${wanted.phoneNumber} is already assigned to another user or account (${number.assignmentTargetId}).`;
  }
  return undefined;
}

/** An application instance with no app bound yet (module 4.0.0 created them blank): nobody else's. */
const unbound = (applicationId: string | null | undefined) => !applicationId || sameId(applicationId, EMPTY_GUID);

/**
 * Why an existing directory object with the endpoint's UPN is not Switchboard's to take over, or undefined when it
 * is: the object this endpoint recorded, or an application instance bound to the endpoint's app (or to none yet —
 * an earlier attempt of ours not finished). A normal user, or a resource account of another app (an auto attendant,
 * a call queue), is refused: provisioning would rebind it and deprovisioning would delete it.
 */
function takeoverProblem(
  upn: string,
  existingId: string,
  instance: { applicationId: string | null } | undefined,
  wanted: { applicationId: string; knownObjectId?: string },
): string | undefined {
  if (wanted.knownObjectId && sameId(existingId, wanted.knownObjectId)) return undefined;
  if (!instance) {
    return `${upn} is an existing user, not a resource account: Switchboard never takes over or deletes a user it did not create. Choose another UPN.`;
  }
  if (unbound(instance.applicationId) || sameId(instance.applicationId, wanted.applicationId)) return undefined;
  return `${upn} is a resource account of another application (${instance.applicationId}): Switchboard never rebinds or deletes an account it did not create. Choose another UPN.`;
}

export interface ProvisioningActivityDeps {
  /** The tenant gateway activities use (a Retry-After beyond a few seconds surfaces as a retryable outcome). */
  gateway: (tenantId: string) => TenantGateway;
  /** Where the admin-consent links point (the configured authority host and redirect URI). */
  consent: { authorityHost: string; redirectUri?: string };
  /** The clock of the good-news cache (tests move it). */
  now?: () => number;
}

/** The provisioning chain's tenant activities, over their dependencies. */
export function createProvisioningActivities(deps: ProvisioningActivityDeps) {
  const cache = new GoodNews(deps.now ?? Date.now);
  return {
    checkConsent: (input: { tenantId: string; appId: string }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<ConsentDiff | { cached: true }>> => {
        const cacheKey = `consent|${input.tenantId.toLowerCase()}|${input.appId.toLowerCase()}`;
        if (cache.stillGood(cacheKey)) return ok({ cached: true });
        const diff = await readConsent(gateway, {
          appId: input.appId,
          authorityHost: deps.consent.authorityHost,
          redirectUri: deps.consent.redirectUri,
        });
        if (diff.missing.length === 0) {
          cache.keepGood(cacheKey, CONSENT_TTL_MS);
          return ok(diff);
        }
        const url = diff.adminConsentUrl;
        return fail(
          `The contact-center app ${input.appId} lacks ${diff.missing.join(', ')} in tenant ${input.tenantId}. ` +
            `A Global Administrator must grant admin consent: ${url}`,
          { code: 'ConsentMissing' },
        );
      }),

    /** Catches what would fail later, before anything is created: the licence pool and the number. */
    preflight: (input: {
      tenantId: string;
      userPrincipalName: string;
      /** The app the account is to be bound to; with it, an existing account of another app is refused. */
      applicationId?: string;
      /** The object id this endpoint recorded in an earlier run (its own account). */
      knownObjectId?: string;
      needsLicense: boolean;
      phoneNumber?: string;
      numberType?: NumberType;
    }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<{ existingObjectId?: string }>> => {
        const existing = await gateway.getUser(input.userPrincipalName, ['id', 'assignedLicenses']);
        if (existing && input.applicationId) {
          const known = input.knownObjectId && sameId(existing.id, input.knownObjectId);
          const instance = known ? undefined : await gateway.getApplicationInstance(existing.id);
          const problem = known
            ? undefined
            : takeoverProblem(input.userPrincipalName, existing.id, instance, {
                applicationId: input.applicationId,
                knownObjectId: input.knownObjectId,
              });
          if (problem) return fail(problem, { code: 'UpnInUse' });
        }
        const poolKey = `pool|${input.tenantId.toLowerCase()}`;
        if (
          input.needsLicense &&
          !existing?.assignedLicenses?.some((l) => sameId(l.skuId, RESOURCE_ACCOUNT_SKU.skuId)) &&
          !cache.stillGood(poolKey)
        ) {
          const pool = resourceAccountPool(await gateway.listSubscribedSkus());
          if (pool.kind !== 'available') return fail(pool.message, { code: 'LicensePoolEmpty' });
          if (pool.free >= POOL_ROOMY) cache.keepGood(poolKey, POOL_TTL_MS);
        }
        if (input.phoneNumber && input.numberType) {
          const problem = numberProblem(await gateway.findNumber(input.phoneNumber), input, existing?.id);
          if (problem) return fail(problem, { code: 'NumberUnavailable' });
        }
        return ok({ existingObjectId: existing?.id });
      }),

    ensureApplicationInstance: (input: {
      tenantId: string;
      userPrincipalName: string;
      displayName: string;
      applicationId: string;
      /** The object id this endpoint recorded in an earlier run (its own account, whatever app it is bound to). */
      knownObjectId?: string;
    }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ created: boolean; objectId?: string }>> => {
          const existing = await gateway.getApplicationInstance(input.userPrincipalName);
          if (existing) {
            const problem = takeoverProblem(input.userPrincipalName, existing.objectId, existing, input);
            if (problem) return fail(problem, { code: 'UpnInUse' });
            return ok({ created: false, objectId: existing.objectId });
          }
          try {
            const created = await gateway.createApplicationInstance({
              userPrincipalName: input.userPrincipalName,
              displayName: input.displayName,
              applicationId: input.applicationId,
            });
            return ok({ created: true, objectId: created.objectId });
          } catch (err) {
            // Created by an earlier attempt and not visible yet: it exists, carry on to the replication wait.
            if (isTenantError(err) && err.conflict) return ok({ created: false });
            throw err;
          }
        },
      ),

    getApplicationInstance: (input: { tenantId: string; identity: string }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ objectId: string; applicationId: string }>> => {
          const instance = await gateway.getApplicationInstance(input.identity);
          if (!instance)
            return retryLater(`${input.identity} is not visible yet (directory replication)`, {
              code: 'NotReplicated',
            });
          return ok({ objectId: instance.objectId, applicationId: instance.applicationId });
        },
      ),

    /**
     * Module 4.0.0 created instances with a blank ApplicationId: read back, set it, read back again. The replication
     * wait's read is the first read back (`observedApplicationId`): when it shows the right id, nothing more is sent.
     */
    ensureApplicationId: (input: {
      tenantId: string;
      objectId: string;
      applicationId: string;
      observedApplicationId?: string | null;
    }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<{ corrected: boolean }>> => {
        if (sameId(input.observedApplicationId, input.applicationId)) return ok({ corrected: false });
        const instance = await gateway.getApplicationInstance(input.objectId);
        if (!instance) return retryLater(`${input.objectId} is not visible yet`, { code: 'NotReplicated' });
        if (sameId(instance.applicationId, input.applicationId)) return ok({ corrected: false });
        await gateway.updateApplicationInstance(input.objectId, { applicationId: input.applicationId });
        const after = await gateway.getApplicationInstance(input.objectId);
        if (!sameId(after?.applicationId, input.applicationId)) {
          return retryLater(`ApplicationId of ${input.objectId} did not stick (reads '${after?.applicationId ?? ''}')`);
        }
        return ok({ corrected: true });
      }),

    syncApplicationInstance: (input: { tenantId: string; objectId: string; applicationId: string }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<{ alreadySynced: boolean }>> => {
        try {
          const result = await gateway.syncApplicationInstance(input.objectId, input.applicationId);
          return ok({ alreadySynced: result.alreadySynced });
        } catch (err) {
          if (isTenantError(err) && err.notFound) return retryLater(`${input.objectId} is not visible to sync yet`);
          throw err;
        }
      }),

    ensureUsageLocation: (input: { tenantId: string; objectId: string; usageLocation: string }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ changed: boolean; licensed: boolean }>> => {
          // The licences come with the same read: the licence step need not read them when they are there already.
          const user = await gateway.getUser(input.objectId, ['id', 'usageLocation', 'assignedLicenses']);
          if (!user)
            return retryLater(`${input.objectId} is not visible in the directory yet`, { code: 'NotReplicated' });
          const licensed = !!user.assignedLicenses?.some((l) => sameId(l.skuId, RESOURCE_ACCOUNT_SKU.skuId));
          if (user.usageLocation === input.usageLocation) return ok({ changed: false, licensed });
          await gateway.updateUsageLocation(input.objectId, input.usageLocation);
          return ok({ changed: true, licensed });
        },
      ),

    /**
     * Gives the account the Teams Phone Resource Account licence. `licensed` is what the usage-location step read a
     * moment ago: there already, nothing is sent; not there, it is assigned without another read (assignLicense of a
     * licence the user holds is a no-op, so a retried attempt is safe). The pool is read only when Graph refuses for want
     * of seats, to say exactly what to do (the preflight read it before anything was created).
     */
    ensureLicense: (input: { tenantId: string; objectId: string; licensed?: boolean }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<{ added: boolean }>> => {
        if (input.licensed) return ok({ added: false });
        if (input.licensed === undefined) {
          const user = await gateway.getUser(input.objectId, ['id', 'assignedLicenses']);
          if (!user)
            return retryLater(`${input.objectId} is not visible in the directory yet`, { code: 'NotReplicated' });
          if (user.assignedLicenses?.some((l) => sameId(l.skuId, RESOURCE_ACCOUNT_SKU.skuId)))
            return ok({ added: false });
        }
        try {
          await gateway.assignLicense(input.objectId, RESOURCE_ACCOUNT_SKU.skuId);
        } catch (err) {
          if (!isTenantError(err) || err.retryable || !NO_SEATS.test(err.message)) throw err;
          cache.forget(`pool|${input.tenantId.toLowerCase()}`);
          const pool = resourceAccountPool(await gateway.listSubscribedSkus());
          return fail(pool.kind === 'available' ? err.message : pool.message, { code: 'LicensePoolEmpty' });
        }
        return ok({ added: true });
      }),

    ensureNumberAssigned: (input: {
      tenantId: string;
      objectId: string;
      phoneNumber: string;
      numberType: NumberType;
    }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ requested: boolean; operationId?: string }>> => {
          const number = await gateway.findNumber(input.phoneNumber);
          const problem = numberProblem(number, input, input.objectId);
          if (problem) return fail(problem, { code: 'NumberUnavailable' });
          if (sameId(number?.assignmentTargetId, input.objectId)) {
            if (number?.activationState && /pending/i.test(number.activationState)) {
              return retryLater(`${input.phoneNumber} assignment is pending`);
            }
            return ok({ requested: false });
          }
          try {
            const { operationId } = await gateway.assignNumber({
              telephoneNumber: input.phoneNumber,
              assignmentTargetId: input.objectId,
              numberType: input.numberType,
              assignmentCategory: 'primary',
            });
            return ok({ requested: true, operationId });
          } catch (err) {
            if (isTenantError(err) && (err.notFound || LICENCE_NOT_EFFECTIVE.test(err.message))) {
              return retryLater(`the licence is not effective yet: ${err.message}`, { code: err.code });
            }
            throw err;
          }
        },
      ),

    getNumberOperation: (input: { tenantId: string; operationId: string }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ status: 'succeeded' | 'failed'; detail?: string }>> => {
          const operation = await gateway.getNumberOperation(input.operationId);
          if (operation.status === 'succeeded' || operation.status === 'skipped') return ok({ status: 'succeeded' });
          if (operation.status !== 'failed')
            return retryLater(`number operation ${input.operationId} is ${operation.status}`);
          const detail =
            operation.numbers
              ?.map((n) => n.statusDetail)
              .filter(Boolean)
              .join('; ') || 'failed';
          if (LICENCE_NOT_EFFECTIVE.test(detail)) return ok({ status: 'failed', detail });
          return fail(`number operation failed: ${detail}`, { code: 'NumberOperationFailed' });
        },
      ),

    ensureNumberUnassigned: (input: {
      tenantId: string;
      objectId: string;
      phoneNumber: string;
      numberType: NumberType;
    }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<{ operationId?: string }>> => {
        const number = await gateway.findNumber(input.phoneNumber);
        if (!number || !sameId(number.assignmentTargetId, input.objectId)) return ok({});
        const { operationId } = await gateway.unassignNumber({
          telephoneNumber: input.phoneNumber,
          numberType: input.numberType,
        });
        return ok({ operationId });
      }),

    ensureLicenseRemoved: (input: { tenantId: string; objectId: string }) =>
      tenantCall(deps.gateway, input.tenantId, async (gateway): Promise<Outcome<{ removed: boolean }>> => {
        const user = await gateway.getUser(input.objectId, ['id', 'assignedLicenses']);
        if (!user?.assignedLicenses?.some((l) => sameId(l.skuId, RESOURCE_ACCOUNT_SKU.skuId)))
          return ok({ removed: false });
        await gateway.removeLicense(input.objectId, RESOURCE_ACCOUNT_SKU.skuId);
        return ok({ removed: true });
      }),

    /**
     * Resource accounts are directory users: removing the account is deleting the user — but only an application
     * instance bound to the endpoint's app (or to none yet), found by the identity this endpoint recorded. Never a
     * user looked up by UPN: what is not an application instance of ours is kept and said so.
     */
    ensureApplicationInstanceRemoved: (input: { tenantId: string; identity: string; applicationId?: string }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ removed: boolean; kept?: string }>> => {
          const instance = await gateway.getApplicationInstance(input.identity);
          if (!instance) return ok({ removed: false });
          if (
            !input.applicationId ||
            !(unbound(instance.applicationId) || sameId(instance.applicationId, input.applicationId))
          ) {
            return ok({
              removed: false,
              kept: `${input.identity} is bound to ${instance.applicationId ?? 'no app'}, not this endpoint's app: kept.`,
            });
          }
          return ok({ removed: await gateway.deleteUser(instance.objectId) });
        },
      ),

    /**
     * Finds the account by the object id this endpoint recorded; absent is a fine answer (deprovisioning converges).
     * `foreign` says it is there but bound to another app now: deprovisioning then leaves it alone.
     */
    findApplicationInstance: (input: { tenantId: string; identity: string; applicationId?: string }) =>
      tenantCall(
        deps.gateway,
        input.tenantId,
        async (gateway): Promise<Outcome<{ objectId?: string; foreign?: string }>> => {
          const instance = await gateway.getApplicationInstance(input.identity);
          if (!instance) return ok({});
          if (
            input.applicationId &&
            !unbound(instance.applicationId) &&
            !sameId(instance.applicationId, input.applicationId)
          ) {
            return ok({ foreign: instance.applicationId });
          }
          return ok({ objectId: instance.objectId });
        },
      ),
  };
}

export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;

/** What the orchestrators call. */
export const provisioningActivities = activityContracts<ProvisioningActivities>({
  checkConsent: true,
  preflight: true,
  ensureApplicationInstance: true,
  getApplicationInstance: true,
  ensureApplicationId: true,
  syncApplicationInstance: true,
  ensureUsageLocation: true,
  ensureLicense: true,
  ensureNumberAssigned: true,
  getNumberOperation: true,
  ensureNumberUnassigned: true,
  ensureLicenseRemoved: true,
  ensureApplicationInstanceRemoved: true,
  findApplicationInstance: true,
});
