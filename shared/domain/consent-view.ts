/** The consent API's reply (`GET /api/tenants/{tenantId}/consent`): what the tenant granted the bot, and the links. */
import type { ConsentDiff } from './permissions';

export interface ConsentView extends ConsentDiff {
  appId: string;
  /** The app's service principal in the tenant; absent when the app was never consented to. */
  servicePrincipalId?: string;
  /** v2 endpoint, one tenant, the app's configured (`/.default`) Graph permissions. */
  adminConsentUrl: string;
  /** The older `/common/adminconsent?client_id=` form the vendor's seed shows. */
  legacyAdminConsentUrl: string;
}
