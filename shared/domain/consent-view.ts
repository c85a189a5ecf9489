/** The consent API's reply (`GET /api/tenants/{tenantId}/consent`): what the tenant granted the bot, and the links. */
import { z } from 'zod';
import { consentDiffSchema } from './permissions';

/** Which of the vendor's apps a consent row is about. */
export const consentAppNameSchema = z.enum(['bot', 'webApp']);
export type ConsentAppName = z.infer<typeof consentAppNameSchema>;

/** One app's consent: what it needs against what the tenant granted, and the links an admin follows to grant it. */
export const consentAppViewSchema = consentDiffSchema.extend({
  appId: z.string(),
  name: consentAppNameSchema,
  /** The app's service principal in the tenant; absent when the app was never consented to. */
  servicePrincipalId: z.string().optional(),
  /** The `/common/adminconsent?client_id=` form the vendor's seed shows (the admin picks the tenant). */
  adminConsentUrl: z.string(),
  /** v2 endpoint, this tenant, the app's configured (`/.default`) Graph permissions. */
  adminConsentUrlV2: z.string(),
});
export type ConsentAppView = z.infer<typeof consentAppViewSchema>;

export const consentViewSchema = consentDiffSchema.extend({
  /** The contact-center bot (the top-level fields are the bot's, as before `apps` existed). */
  appId: z.string(),
  /** The app's service principal in the tenant; absent when the app was never consented to. */
  servicePrincipalId: z.string().optional(),
  /** v2 endpoint, one tenant, the app's configured (`/.default`) Graph permissions. */
  adminConsentUrl: z.string(),
  /** The older `/common/adminconsent?client_id=` form the vendor's seed shows. */
  legacyAdminConsentUrl: z.string(),
  /** Each app Switchboard checks: the bot, and the web app when WEB_APP_ID is set. */
  apps: z.array(consentAppViewSchema),
});
export type ConsentView = z.infer<typeof consentViewSchema>;
