/**
 * What a tenant granted the vendor's apps — the contact-center bot (the seed's six permissions) and, when configured,
 * its web app (User.Read delegated, User.Read.All delegated and application) — against what each needs, with the
 * links an admin follows to grant consent. Read through the TenantGateway; used by the consent API and the
 * provisioning chain's first step (which gates on the bot only).
 */
import {
  BOT_APP_PERMISSIONS,
  WEB_APP_PERMISSIONS,
  adminConsentUrl,
  consentDiff,
  legacyAdminConsentUrl,
  type ConsentAppName,
  type ConsentAppView,
  type ConsentView,
  type PermissionSet,
} from '../domain';
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

const REQUIRED: Record<ConsentAppName, PermissionSet> = { bot: BOT_APP_PERMISSIONS, webApp: WEB_APP_PERMISSIONS };

/** One app's consent: its service principal's app-role assignments and delegated grants against what it needs. */
export async function readAppConsent(
  gateway: TenantGateway,
  o: { appId: string; name: ConsentAppName; authorityHost: string; redirectUri?: string },
): Promise<ConsentAppView> {
  const links = consentLinks({ ...o, tenantId: gateway.tenantId });
  const head = {
    appId: o.appId,
    name: o.name,
    adminConsentUrl: links.legacyAdminConsentUrl,
    adminConsentUrlV2: links.adminConsentUrl,
  };
  const sp = await gateway.getServicePrincipal(o.appId);
  if (!sp) return { ...head, ...consentDiff(REQUIRED[o.name], [], []) };
  const [roles, grants] = await Promise.all([
    gateway.listAppRoleAssignments(sp.id),
    gateway.listOauth2PermissionGrants(sp.id),
  ]);
  const diff = consentDiff(
    REQUIRED[o.name],
    roles.map((r) => r.appRoleId),
    grants.map((g) => g.scope),
  );
  return { ...head, servicePrincipalId: sp.id, ...diff };
}

/**
 * The consent report: the bot's fields at the top (the reply's contract before `apps` existed), and one row per app
 * in `apps` — the bot, then the web app when `webAppId` is given.
 */
export async function readConsent(
  gateway: TenantGateway,
  o: { appId: string; webAppId?: string; authorityHost: string; redirectUri?: string },
): Promise<ConsentReport> {
  const common = { authorityHost: o.authorityHost, redirectUri: o.redirectUri };
  const [bot, webApp] = await Promise.all([
    readAppConsent(gateway, { ...common, appId: o.appId, name: 'bot' }),
    o.webAppId ? readAppConsent(gateway, { ...common, appId: o.webAppId, name: 'webApp' }) : undefined,
  ]);
  return {
    appId: bot.appId,
    ...(bot.servicePrincipalId ? { servicePrincipalId: bot.servicePrincipalId } : {}),
    granted: bot.granted,
    missing: bot.missing,
    excess: bot.excess,
    adminConsentUrl: bot.adminConsentUrlV2,
    legacyAdminConsentUrl: bot.adminConsentUrl,
    apps: webApp ? [bot, webApp] : [bot],
  };
}
