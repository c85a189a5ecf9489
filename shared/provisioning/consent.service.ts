/**
 * What a tenant granted the contact-center bot app, against what it needs, with the links an admin follows to
 * grant consent. Read through the TenantGateway; used by the consent API and the provisioning chain's first step.
 */
import { BOT_APP_PERMISSIONS, adminConsentUrl, consentDiff, legacyAdminConsentUrl, type ConsentView } from '../domain';
import type { TenantGateway } from '../tenant';

/** The admin-consent links of a report. */
export type ConsentLinks = Pick<ConsentView, 'adminConsentUrl' | 'legacyAdminConsentUrl'>;

/** What `GET …/consent` returns. */
export type ConsentReport = ConsentView;

export function consentLinks(o: {
  authorityHost: string;
  tenantId: string;
  appId: string;
  redirectUri?: string;
}): ConsentLinks {
  const common = { authorityHost: o.authorityHost, clientId: o.appId, redirectUri: o.redirectUri };
  return {
    adminConsentUrl: adminConsentUrl({ ...common, tenant: o.tenantId }),
    legacyAdminConsentUrl: legacyAdminConsentUrl(common),
  };
}

export async function readConsent(
  gateway: TenantGateway,
  o: { appId: string; authorityHost: string; redirectUri?: string },
): Promise<ConsentReport> {
  const links = consentLinks({ ...o, tenantId: gateway.tenantId });
  const sp = await gateway.getServicePrincipal(o.appId);
  if (!sp) return { appId: o.appId, ...consentDiff(BOT_APP_PERMISSIONS, [], []), ...links };
  const [roles, grants] = await Promise.all([
    gateway.listAppRoleAssignments(sp.id),
    gateway.listOauth2PermissionGrants(sp.id),
  ]);
  const diff = consentDiff(
    BOT_APP_PERMISSIONS,
    roles.map((r) => r.appRoleId),
    grants.map((g) => g.scope),
  );
  return { appId: o.appId, servicePrincipalId: sp.id, ...diff, ...links };
}
