/**
 * Comparing an endpoint's desired state with what batched reads observed, and a bot app's required permissions with
 * what the tenant granted. Pure.
 *
 * Every (subject, kind) pair ends in exactly one of two places:
 * - `evaluated` (its fact was observed): with a finding when it drifted, without one when it did not;
 * - `unknown` (its fact could not be read, was not read, or cannot be judged because the account itself is gone):
 *   never a finding — and the lifecycle leaves an open finding of that pair untouched.
 * When the resource account is missing, only `instanceMissing` is reported; the account's other facts are
 * `notEvaluated` (they would all "drift" at once and bury the one finding that matters).
 */
import {
  BOT_APP_PERMISSIONS,
  consentDiff,
  needsResourceAccountLicense,
  normalizeGuid,
  numberKey,
  PermissionSet,
  RESOURCE_ACCOUNT_SKU,
  RESOURCE_ACCOUNT_SKU_GOV,
  upnKey,
} from '../domain';
import type { LicenseRule, NumberType } from '../domain';
import {
  appSubject,
  CONSENT_DRIFT_KINDS,
  DriftFinding,
  DriftKind,
  DriftValue,
  ENDPOINT_DRIFT_KINDS,
  findingKey,
  UnknownFact,
} from './kinds';
import type { Observed, UnknownReason } from './observed';

/** What Switchboard provisioned (the endpoints table's desired state, resolved: defaults filled in). */
export interface DesiredEndpoint {
  upn: string;
  displayName: string;
  /** The bot app id the resource account must be bound to. */
  applicationId: string;
  usageLocation: string;
  phoneNumber?: string | null;
  numberType?: NumberType | null;
  /** The tenant's resource-account licence rule. */
  licenseRule: LicenseRule;
}

/** Get-CsOnlineApplicationInstance (bridge batchGet). */
export interface ObservedInstance {
  objectId: string;
  /** Blank ApplicationIds happen (Teams PowerShell 4.0.0 created them so): null / '' = not bound. */
  applicationId: string | null;
}

/** The Agent Provisioning Service mapping of the instance (bridge …/sync). `absent` = no mapping at all. */
export interface ObservedSync {
  synced: boolean;
  applicationId?: string | null;
}

/** Graph user `assignedLicenses` item (a bare skuId string is accepted too). */
export interface ObservedLicense {
  skuId: string;
  disabledPlans?: readonly string[];
}

/** The number assigned to the account (numberAssignments with assignmentTargetId = objectId). `absent` = none. */
export interface ObservedNumber {
  telephoneNumber: string;
  numberType?: string | null;
}

/** The facts read for one endpoint. A fact left out was not read: it counts as unknown (`notRead`). */
export interface ObservedEndpoint {
  instance?: Observed<ObservedInstance>;
  sync?: Observed<ObservedSync>;
  /** Graph user usageLocation; `absent` = not set. */
  usageLocation?: Observed<string>;
  /** Graph user assignedLicenses; `absent` (user not found) counts as none. */
  licenses?: Observed<readonly (string | ObservedLicense)[]>;
  number?: Observed<ObservedNumber>;
}

/** Which kinds each endpoint fact decides (an unknown fact makes exactly these unknown). */
export const KINDS_BY_FACT: Readonly<Record<keyof ObservedEndpoint, readonly DriftKind[]>> = Object.freeze({
  instance: ['instanceMissing', 'applicationIdChanged'],
  sync: ['notSynced'],
  licenses: ['licenseMissing'],
  usageLocation: ['usageLocationChanged'],
  number: ['numberMissing', 'numberChanged'],
});

/** Granted permissions of one bot app: `absent` = the app has no service principal in the tenant. */
export interface ObservedConsent {
  /** appRoleAssignments to Microsoft Graph: app-role ids or names. */
  appRoles: readonly string[];
  /** oauth2PermissionGrants scope strings ("User.Read Presence.Read.All"). */
  delegatedScopes: readonly string[];
}

/** One comparison's outcome (see the module comment). */
export interface DriftScan {
  findings: DriftFinding[];
  unknown: UnknownFact[];
  /** findingKey of every (subject, kind) judged on observed facts, with or without a finding. */
  evaluated: string[];
}

const NOT_READ: UnknownReason = { code: 'notRead', message: 'this fact was not read in this scan' };

class ScanBuilder {
  readonly findings: DriftFinding[] = [];
  readonly unknown: UnknownFact[] = [];
  readonly evaluated: string[] = [];
  constructor(readonly subject: string) {}
  ok(kind: DriftKind): void {
    this.evaluated.push(findingKey(this.subject, kind));
  }
  drift(kind: DriftKind, expected: DriftValue, actual: DriftValue, message: string): void {
    this.evaluated.push(findingKey(this.subject, kind));
    this.findings.push({ subject: this.subject, kind, expected, actual, message });
  }
  unknownOf(kinds: readonly DriftKind[], reason: UnknownReason): void {
    for (const kind of kinds) this.unknown.push({ subject: this.subject, kind, reason });
  }
  result(): DriftScan {
    return { findings: this.findings, unknown: this.unknown, evaluated: this.evaluated };
  }
}

/**
 * A fact as the comparison reads it: left out → unknown (notRead); a `value` of null/undefined → absent; anything
 * that is not one of the three shapes → unknown. So odd input (from storage or a half-finished read) never throws.
 */
function factOf<T>(o: Observed<T> | undefined): Observed<T> {
  if (o === undefined || o === null || typeof o !== 'object') return { kind: 'unknown', reason: NOT_READ };
  if (o.kind === 'value') return o.value === null || o.value === undefined ? { kind: 'absent' } : o;
  if (o.kind === 'absent') return o;
  if (o.kind === 'unknown') {
    return o.reason && typeof o.reason === 'object'
      ? o
      : { kind: 'unknown', reason: { code: 'other', message: 'no reason given' } };
  }
  return { kind: 'unknown', reason: { code: 'other', message: 'the fact has no recognisable shape' } };
}

const sameGuid = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && (normalizeGuid(a) ?? a.trim().toLowerCase()) === (normalizeGuid(b) ?? b.trim().toLowerCase());
const blankToNull = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

const RESOURCE_ACCOUNT_SKU_IDS: ReadonlySet<string> = new Set([
  RESOURCE_ACCOUNT_SKU.skuId,
  RESOURCE_ACCOUNT_SKU_GOV.skuId,
]);

function licenseState(list: readonly (string | ObservedLicense)[]): { has: boolean; actual: string[] } {
  const licenses = list
    .map((l) => (typeof l === 'string' ? { skuId: l } : l))
    .filter((l): l is ObservedLicense => !!l && typeof l.skuId === 'string');
  const actual = licenses.map((l) => l.skuId.toLowerCase());
  const ra = licenses.find((l) => RESOURCE_ACCOUNT_SKU_IDS.has(l.skuId.toLowerCase()));
  if (!ra) return { has: false, actual };
  // The SKU with its only plan disabled gives the account nothing.
  const planOff = (Array.isArray(ra.disabledPlans) ? ra.disabledPlans : []).some(
    (p) => typeof p === 'string' && p.toLowerCase() === RESOURCE_ACCOUNT_SKU.servicePlanId,
  );
  if (planOff) {
    return {
      has: false,
      actual: actual.map((s) =>
        s === ra.skuId.toLowerCase() ? `${s} (${RESOURCE_ACCOUNT_SKU.servicePlanName} disabled)` : s,
      ),
    };
  }
  return { has: true, actual };
}

/** Compares one endpoint. Never throws on odd facts; a missing fact is unknown (`notRead`). */
export function compareEndpoint(desired: DesiredEndpoint, facts: ObservedEndpoint): DriftScan {
  const b = new ScanBuilder(upnKey(desired.upn));

  // The account itself.
  const instance = factOf(facts.instance);
  if (instance.kind === 'absent') {
    b.drift(
      'instanceMissing',
      desired.upn,
      null,
      `The resource account ${desired.upn} no longer exists (or is no longer a resource account).`,
    );
    b.unknownOf(
      ENDPOINT_DRIFT_KINDS.filter((k) => k !== 'instanceMissing'),
      { code: 'notEvaluated', message: 'the resource account is missing, so its other facts were not judged' },
    );
    return b.result();
  }
  if (instance.kind === 'unknown') b.unknownOf(['instanceMissing', 'applicationIdChanged'], instance.reason);
  else {
    b.ok('instanceMissing');
    const actual = blankToNull(instance.value.applicationId);
    if (sameGuid(actual, desired.applicationId)) b.ok('applicationIdChanged');
    else {
      b.drift(
        'applicationIdChanged',
        desired.applicationId.toLowerCase(),
        actual ? actual.toLowerCase() : null,
        actual
          ? `The resource account is bound to application ${actual}, not to the bot ${desired.applicationId}.`
          : `The resource account is not bound to any application (expected the bot ${desired.applicationId}).`,
      );
    }
  }

  // Agent Provisioning Service mapping.
  const sync = factOf(facts.sync);
  if (sync.kind === 'unknown') b.unknownOf(['notSynced'], sync.reason);
  else {
    const mapped = sync.kind === 'value' && sync.value.synced ? blankToNull(sync.value.applicationId) : null;
    const synced = sync.kind === 'value' && sync.value.synced;
    if (synced && (mapped === null || sameGuid(mapped, desired.applicationId))) b.ok('notSynced');
    else {
      b.drift(
        'notSynced',
        desired.applicationId.toLowerCase(),
        mapped ? mapped.toLowerCase() : null,
        mapped
          ? `The Agent Provisioning Service maps the account to application ${mapped}, not to ${desired.applicationId}: calls will not reach the bot.`
          : 'The account is not synced to the Agent Provisioning Service: calls will not reach the bot.',
      );
    }
  }

  // Licence: judged only when the rule needs one; then an unreadable licence list is unknown.
  const wantsNumber = !!blankToNull(desired.phoneNumber ?? null);
  const licenses = factOf(facts.licenses);
  if (!needsResourceAccountLicense(desired.licenseRule, wantsNumber)) b.ok('licenseMissing');
  else if (licenses.kind === 'unknown') b.unknownOf(['licenseMissing'], licenses.reason);
  else {
    const state = licenseState(licenses.kind === 'value' && Array.isArray(licenses.value) ? licenses.value : []);
    if (state.has) b.ok('licenseMissing');
    else {
      b.drift(
        'licenseMissing',
        RESOURCE_ACCOUNT_SKU.skuPartNumber,
        state.actual,
        `The account does not have the Microsoft Teams Phone Resource Account licence (${RESOURCE_ACCOUNT_SKU.skuPartNumber}).`,
      );
    }
  }

  // Usage location.
  const usage = factOf(facts.usageLocation);
  if (usage.kind === 'unknown') b.unknownOf(['usageLocationChanged'], usage.reason);
  else {
    const expected = desired.usageLocation.trim().toUpperCase();
    const actual = usage.kind === 'value' ? (blankToNull(usage.value)?.toUpperCase() ?? null) : null;
    if (actual === expected) b.ok('usageLocationChanged');
    else {
      b.drift(
        'usageLocationChanged',
        expected,
        actual,
        actual
          ? `The usage location is ${actual}, not ${expected}.`
          : `The usage location is not set (expected ${expected}).`,
      );
    }
  }

  // Number.
  const number = factOf(facts.number);
  const wanted = blankToNull(desired.phoneNumber ?? null);
  if (number.kind === 'unknown') b.unknownOf(['numberMissing', 'numberChanged'], number.reason);
  else if (number.kind === 'absent' || blankToNull(number.value.telephoneNumber) === null) {
    b.ok('numberChanged');
    if (wanted) b.drift('numberMissing', wanted, null, `The number ${wanted} is no longer assigned to the account.`);
    else b.ok('numberMissing');
  } else {
    b.ok('numberMissing');
    const actual = blankToNull(number.value.telephoneNumber) as string;
    const actualType = blankToNull(number.value.numberType ?? null);
    const wantedType = desired.numberType ?? null;
    if (!wanted) {
      b.drift(
        'numberChanged',
        null,
        actual,
        `The account was provisioned without a number but has ${actual}${actualType ? ` (${actualType})` : ''}.`,
      );
    } else if (numberKey(actual) !== numberKey(wanted)) {
      b.drift('numberChanged', wanted, actual, `The account has the number ${actual} instead of ${wanted}.`);
    } else if (wantedType && actualType && wantedType !== actualType) {
      b.drift(
        'numberChanged',
        `${wanted} (${wantedType})`,
        `${actual} (${actualType})`,
        `The number ${wanted} is assigned as ${actualType}, not ${wantedType}.`,
      );
    } else b.ok('numberChanged');
  }
  return b.result();
}

const DELEGATED_SUFFIX = ' (delegated)';

function requiredNames(required: PermissionSet): string[] {
  return [...required.application, ...required.delegated.map((d) => d + DELEGATED_SUFFIX)];
}

/** Compares a bot app's granted permissions with the required ones (default: the bot's, from shared/domain). */
export function compareConsent(
  applicationId: string,
  consent: Observed<ObservedConsent> | undefined,
  required: PermissionSet = BOT_APP_PERMISSIONS,
): DriftScan {
  const b = new ScanBuilder(appSubject(applicationId));
  const fact = factOf(consent);
  if (fact.kind === 'unknown') {
    b.unknownOf(CONSENT_DRIFT_KINDS, fact.reason);
    return b.result();
  }
  const expected = requiredNames(required);
  if (fact.kind === 'absent') {
    b.drift(
      'consentMissing',
      expected,
      null,
      `The app ${applicationId} has no service principal in the tenant: an administrator must consent to it first.`,
    );
    b.ok('consentExcess');
    return b.result();
  }
  const appRoles = Array.isArray(fact.value.appRoles) ? fact.value.appRoles.filter((r) => typeof r === 'string') : [];
  const scopes = Array.isArray(fact.value.delegatedScopes)
    ? fact.value.delegatedScopes.filter((s) => typeof s === 'string')
    : [];
  const diff = consentDiff(required, appRoles, scopes);
  if (diff.missing.length > 0) {
    b.drift(
      'consentMissing',
      expected,
      [...diff.granted].sort(),
      `The app ${applicationId} lacks admin consent for ${diff.missing.join(', ')}.`,
    );
  } else b.ok('consentMissing');
  if (diff.excess.length > 0) {
    b.drift(
      'consentExcess',
      [],
      [...diff.excess].sort(),
      `The app ${applicationId} holds permissions it does not need: ${diff.excess.join(', ')}.`,
    );
  } else b.ok('consentExcess');
  return b.result();
}

export interface TenantScanInput {
  endpoints: readonly { desired: DesiredEndpoint; observed: ObservedEndpoint }[];
  /** One entry per bot app the endpoints are bound to. */
  apps?: readonly { applicationId: string; consent: Observed<ObservedConsent> | undefined; required?: PermissionSet }[];
}

/** Compares a whole tenant: every endpoint, then every bot app's consent. */
export function scanTenant(input: TenantScanInput): DriftScan {
  const parts = [
    ...input.endpoints.map((e) => compareEndpoint(e.desired, e.observed)),
    ...(input.apps ?? []).map((a) => compareConsent(a.applicationId, a.consent, a.required)),
  ];
  return mergeScans(parts);
}

export function mergeScans(parts: readonly DriftScan[]): DriftScan {
  return {
    findings: parts.flatMap((p) => p.findings),
    unknown: parts.flatMap((p) => p.unknown),
    evaluated: parts.flatMap((p) => p.evaluated),
  };
}
