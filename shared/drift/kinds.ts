/**
 * Kinds of drift, the subjects they are about, and what can be done about each.
 *
 * Subjects: an endpoint's findings are about its UPN key (lower-cased UPN, as the endpoints table keys it); consent
 * findings are about the bot app, `app:{applicationId}` (a tenant may bind endpoints to more than one app). A
 * finding's identity is `{subject}|{kind}` — the driftFindings RowKey. (UPNs may contain `#`, which Table storage
 * forbids in keys: the storage layer must encode keys, not this module.)
 */
import type { UnknownReason } from './observed';

export const DRIFT_KINDS = [
  'instanceMissing',
  'applicationIdChanged',
  'notSynced',
  'licenseMissing',
  'usageLocationChanged',
  'numberMissing',
  'numberChanged',
  'consentMissing',
  'consentExcess',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export const ENDPOINT_DRIFT_KINDS = [
  'instanceMissing',
  'applicationIdChanged',
  'notSynced',
  'licenseMissing',
  'usageLocationChanged',
  'numberMissing',
  'numberChanged',
] as const satisfies readonly DriftKind[];
export const CONSENT_DRIFT_KINDS = ['consentMissing', 'consentExcess'] as const satisfies readonly DriftKind[];

export function isDriftKind(v: unknown): v is DriftKind {
  return typeof v === 'string' && (DRIFT_KINDS as readonly string[]).includes(v);
}

/** The subject of the consent findings of one bot app. */
export function appSubject(applicationId: string): string {
  return `app:${applicationId.trim().toLowerCase()}`;
}

/** Identity of a finding (and of the fact it is judged on): `{subject}|{kind}`. */
export function findingKey(subject: string, kind: DriftKind): string {
  return `${subject}|${kind}`;
}

/** JSON-friendly expected / actual values. */
export type DriftValue = string | boolean | null | readonly string[];

export interface DriftFinding {
  subject: string;
  kind: DriftKind;
  expected: DriftValue;
  actual: DriftValue;
  /** One sentence for people: what differs. */
  message: string;
}

/** A fact that could not be read (or judged): no finding either way. */
export interface UnknownFact {
  subject: string;
  kind: DriftKind;
  reason: UnknownReason;
}

export type RemediationMode = 'auto' | 'reportOnly';

export interface Remediation {
  mode: RemediationMode;
  /** What fixes it (auto: what re-running provisioning does; reportOnly: what the admin must do). */
  how: string;
}

/**
 * What fixes each kind. `auto`: re-running the (idempotent) provisioning chain converges it — though it can still
 * fail at run time, e.g. an empty licence pool or a number now taken by someone else. `reportOnly`: needs a person.
 */
export const REMEDIATION: Readonly<Record<DriftKind, Remediation>> = Object.freeze({
  instanceMissing: { mode: 'auto', how: 'Re-provisioning creates the resource account again and binds it to the bot.' },
  applicationIdChanged: {
    mode: 'auto',
    how: 'Re-provisioning sets the application id back (Set-CsOnlineApplicationInstance) and syncs it.',
  },
  notSynced: { mode: 'auto', how: 'Re-provisioning syncs the account to the Agent Provisioning Service.' },
  licenseMissing: {
    mode: 'auto',
    how: 'Re-provisioning assigns the Teams Phone Resource Account licence (it fails clearly if the pool is empty).',
  },
  usageLocationChanged: { mode: 'auto', how: 'Re-provisioning sets the usage location back.' },
  numberMissing: { mode: 'auto', how: 'Re-provisioning assigns the number again (if it is still free).' },
  numberChanged: { mode: 'auto', how: 'Re-provisioning assigns the provisioned number (if it is still free).' },
  consentMissing: {
    mode: 'reportOnly',
    how: 'A Global or Privileged Role Administrator must grant admin consent (the consent page has the link).',
  },
  consentExcess: {
    mode: 'reportOnly',
    how: 'An administrator may revoke the permissions the app does not need (least privilege); Switchboard never removes consent.',
  },
});

/**
 * Remediation of one finding. Mostly by kind; one exception: a number on an account that was provisioned WITHOUT
 * one was put there by someone by hand — re-provisioning must not unassign it, so it is report-only.
 */
export function remediationFor(finding: Pick<DriftFinding, 'kind' | 'expected'>): Remediation {
  if (finding.kind === 'numberChanged' && finding.expected === null) {
    return {
      mode: 'reportOnly',
      how: 'A number was assigned by hand to an account provisioned without one; unassign it if it is not wanted, or add it to the endpoint.',
    };
  }
  return REMEDIATION[finding.kind];
}

export function isAutoRemediable(finding: Pick<DriftFinding, 'kind' | 'expected'>): boolean {
  return remediationFor(finding).mode === 'auto';
}
