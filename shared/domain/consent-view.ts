/** The consent API's reply (`GET /api/tenants/{tenantId}/consent`): what the tenant granted the bot, and the links. */
import { z } from 'zod';
import { consentDiffSchema } from './permissions';

export const consentViewSchema = consentDiffSchema.extend({
  appId: z.string(),
  /** The app's service principal in the tenant; absent when the app was never consented to. */
  servicePrincipalId: z.string().optional(),
  /** v2 endpoint, one tenant, the app's configured (`/.default`) Graph permissions. */
  adminConsentUrl: z.string(),
  /** The older `/common/adminconsent?client_id=` form the vendor's seed shows. */
  legacyAdminConsentUrl: z.string(),
});
export type ConsentView = z.infer<typeof consentViewSchema>;
