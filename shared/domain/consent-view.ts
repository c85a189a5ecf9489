/** The consent API's reply (`GET /api/tenants/{tenantId}/consent`): what the tenant granted the bot, and the links. */
import type { ConsentDiff } from './permissions';

/** Which of the vendor's apps a consent row is about. */
export type ConsentAppName = 'bot' | 'webApp';

/** One app's consent: what it needs against what the tenant granted, and the links an admin follows to grant it. */
export interface ConsentAppView extends ConsentDiff {
  appId: string;
  name: ConsentAppName;
  /** The app's service principal in the tenant; absent when the app was never consented to. */
  servicePrincipalId?: string;
  /** The `/common/adminconsent?client_id=` form the vendor's seed shows (the admin picks the tenant). */
  adminConsentUrl: string;
  /** v2 endpoint, this tenant, the app's configured (`/.default`) Graph permissions. */
  adminConsentUrlV2: string;
}

export interface ConsentView extends ConsentDiff {
  /** The contact-center bot (the top-level fields are the bot's, as before `apps` existed). */
  appId: string;
  /** The app's service principal in the tenant; absent when the app was never consented to. */
  servicePrincipalId?: string;
  /** v2 endpoint, one tenant, the app's configured (`/.default`) Graph permissions. */
  adminConsentUrl: string;
  /** The older `/common/adminconsent?client_id=` form the vendor's seed shows. */
  legacyAdminConsentUrl: string;
  /** Each app Switchboard checks: the bot, and the web app when WEB_APP_ID is set. */
  apps: ConsentAppView[];
}
