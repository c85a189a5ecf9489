/**
 * Every environment setting the app reads, with its doc line and default. This list is the single source for the
 * README's configuration table and for `local.settings.sample.json`; `loadConfig` validates against it.
 */
export interface SettingDefinition {
  /** Environment variable name, exactly as Azure Functions app settings spell it. */
  readonly name: string;
  /** One line for the configuration table. */
  readonly doc: string;
  /** Default used when the variable is unset or empty. */
  readonly default?: string;
  /** `true` = always required; a string = the condition under which it is required (for the docs table). */
  readonly required?: true | string;
  /** Whether the value is a secret (never printed, never logged). */
  readonly secret?: boolean;
}

export const CREDENTIAL_KINDS = ['secret', 'certificate', 'managedIdentity'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export { LICENSE_RULES } from '../domain/enums';
export type { LicenseRule } from '../domain/enums';

export const SETTINGS: readonly SettingDefinition[] = Object.freeze([
  {
    name: 'AzureWebJobsStorage',
    doc: 'Storage connection string (tables, queues, Durable Functions); `UseDevelopmentStorage=true` for Azurite.',
    required: true,
    secret: true,
  },
  {
    name: 'GRAPH_BASE_URL',
    doc: 'Microsoft Graph root (without version); the simulator URL locally.',
    default: 'https://graph.microsoft.com',
  },
  {
    name: 'AUTHORITY_HOST',
    doc: 'Entra ID authority host used to acquire tokens; the simulator URL locally.',
    default: 'https://login.microsoftonline.com',
  },
  {
    name: 'PROVISIONING_CLIENT_ID',
    doc: "Client id of Switchboard's provisioning app registration (multi-tenant).",
    required: 'when PROVISIONING_CREDENTIAL is secret or certificate',
  },
  {
    name: 'PROVISIONING_CREDENTIAL',
    doc: 'How the provisioning app authenticates: `secret`, `certificate` or `managedIdentity`.',
    default: 'secret',
  },
  {
    name: 'PROVISIONING_CLIENT_SECRET',
    doc: "The provisioning app's client secret.",
    required: 'when PROVISIONING_CREDENTIAL=secret',
    secret: true,
  },
  {
    name: 'PROVISIONING_CERTIFICATE_PATH',
    doc: 'Path to a PEM file holding the certificate and private key of the provisioning app.',
    required: 'when PROVISIONING_CREDENTIAL=certificate',
  },
  {
    name: 'MANAGED_IDENTITY_CLIENT_ID',
    doc: 'Client id of a user-assigned managed identity (omit for the system-assigned identity).',
  },
  {
    name: 'BOT_APP_ID',
    doc: 'App id of the contact-center bot; resource accounts are bound to it and call callbacks carry it as `aud`.',
    required: true,
  },
  {
    name: 'BOT_CLIENT_SECRET',
    doc: "The bot app's client secret (calls API).",
    secret: true,
  },
  {
    name: 'WEB_APP_ID',
    doc:
      "App id of the vendor's web app; its permissions (User.Read delegated, User.Read.All delegated and application) " +
      "are checked beside the bot's in `GET …/consent`. Unset = only the bot is checked.",
  },
  {
    name: 'BRIDGE_URL',
    doc: 'Base URL of the Teams admin bridge (application-instance cmdlets), e.g. `https://localhost:7075/bridge`.',
    required: true,
  },
  {
    name: 'BRIDGE_SCOPE',
    doc: 'OAuth scope requested for calls to the Teams admin bridge.',
    default: 'api://teams-admin-bridge/.default',
  },
  {
    name: 'API_AUDIENCE',
    doc:
      "Expected `aud` of bearer tokens presented to Switchboard's HTTP API: the API app registration's client id " +
      '(v2 access tokens) or its identifier URI. No default: a wrong audience would accept tokens meant for another app.',
    required: true,
  },
  {
    name: 'OPERATOR_TENANT_ID',
    doc:
      "Switchboard's own tenant: always served, and the only tenant whose `Switchboard.Operator` role may onboard " +
      'tenants (`PUT /api/admin/tenants/{tenantId}`). Unset = no operator; tenants are onboarded in the `tenants` table.',
  },
  {
    name: 'API_ISSUER_TEMPLATE',
    doc: "Expected `iss` of API tokens; `{tenantId}` is replaced by the token's `tid`. Keys come from its OpenID configuration.",
    default: 'https://login.microsoftonline.com/{tenantId}/v2.0',
  },
  {
    name: 'BOT_TOKEN_ISSUER',
    doc: 'Expected `iss` of Graph calling callbacks (`https://graph.microsoft.com` is accepted too).',
    default: 'https://api.botframework.com',
  },
  {
    name: 'BOT_OPENID_CONFIG_URL',
    doc: 'OpenID configuration whose `jwks_uri` holds the keys that sign call callbacks.',
    default: 'https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration',
  },
  {
    name: 'RESOURCE_ACCOUNT_LICENSE_RULE',
    doc: 'Which resource accounts get the Teams Phone Resource Account licence: `allResourceAccounts` (current rule) or `numberedOnly`.',
    default: 'allResourceAccounts',
  },
  {
    name: 'ADMIN_CONSENT_REDIRECT_URI',
    doc: 'Redirect URI registered on the app, used in admin-consent links.',
  },
  {
    name: 'PORTAL_CLIENT_ID',
    doc: "Client id of the portal's app registration (platform: single-page application); empty = the portal cannot sign in.",
  },
  {
    name: 'PORTAL_TENANT',
    doc: 'Tenant the portal signs in to (`{AUTHORITY_HOST}/{PORTAL_TENANT}`): a tenant id or domain, or `organizations`.',
    default: 'organizations',
  },
  {
    name: 'PORTAL_API_SCOPE',
    doc: "Scope the portal asks for on Switchboard's API; empty = `{API_AUDIENCE}/.default`.",
  },
  {
    name: 'DRIFT_SCHEDULE',
    doc: 'NCRONTAB schedule (6 fields, seconds first) of the drift check timer.',
    default: '0 */15 * * * *',
  },
  {
    name: 'DRIFT_AUTO_REMEDIATE',
    doc: 'Tenants whose drift findings are fixed automatically by re-running provisioning: comma-separated tenant ids, or `*` for all; empty = report only.',
    default: '',
  },
  {
    name: 'DRIFT_SCAN_RETENTION_DAYS',
    doc: 'Days a drift scan record is kept; older ones are deleted as new scans are recorded (findings are kept).',
    default: '30',
  },
  {
    name: 'SWITCHBOARD_VERSION',
    doc: 'Version reported by `GET /api/health` (defaults to the package version).',
  },
  {
    name: 'DEFAULT_USAGE_LOCATION',
    doc:
      "ISO 3166 country used as a resource account's usage location when a request names none and has no number, " +
      "and the tenant's organization (`GET /organization` `countryLetterCode`, read first, cached per tenant) has none.",
    default: 'US',
  },
  {
    name: 'PROVISIONING_WAITS',
    doc:
      'JSON overriding how the provisioning chain waits, per kind (`replication`, `license`, `numberOperation`, ' +
      '`throttle`): `{initialDelayMs, maxDelayMs, deadlineMs}`. Defaults suit Microsoft 365; tests shorten them.',
  },
  {
    name: 'BULK_QUEUE_NAME',
    doc:
      'Storage queue that carries bulk-import rows to the provisioning trigger (one message per row); failed ' +
      'messages end in `<name>-poison`. Lower-case letters, digits and dashes, 3-56 characters.',
    default: 'provision-requests',
  },
  {
    name: 'CALL_EVENTS_QUEUE_NAME',
    doc:
      'Storage queue that carries call notifications from the webhook to the call router (one message per ' +
      'notification). Lower-case letters, digits and dashes, 3-56 characters.',
    default: 'call-events',
  },
  {
    name: 'REPORTING_QUEUE_NAME',
    doc:
      'Storage queue of the reporting feed (ended calls and agent state spans → contact records and aggregates). ' +
      'Default: `<CALL_EVENTS_QUEUE_NAME>-reporting` (that name cut to 46 characters). Lower-case letters, digits and dashes, 3-56 characters.',
  },
  {
    name: 'CALLS_CALLBACK_URL',
    doc:
      "Our calling webhook as Graph must reach it (the answer's callbackUri). Default: the URL the notification " +
      'arrived on.',
  },
  {
    name: 'CALLS_KEEPALIVE_INTERVAL_S',
    doc:
      'Seconds between keepAlive requests on an answered call (Graph ends a call after 45 minutes without one; ' +
      'Microsoft asks for one every 15 to 45 minutes).',
    default: '900',
  },
  {
    name: 'PRESENCE_REFRESH_SCHEDULE',
    doc:
      "NCRONTAB schedule (6 fields, seconds first) of the presence refresh: every call queue agent's Teams presence " +
      'is read (getPresencesByUserId, ≤ 650 per request) and every call queue routed again.',
    default: '*/15 * * * * *',
  },
  {
    name: 'PRESENCE_NOTIFICATION_URL',
    doc:
      "Our presence webhook (`…/api/presence/notifications`) as Graph must reach it. Set: agents' presence comes from " +
      'Graph change-notification subscriptions (≤ 650 agents each, renewed before their one-hour expiry) and an agent ' +
      'who becomes Available is offered a waiting call at once; the polling refresh stays as the fallback. Unset: ' +
      'polling only.',
  },
  {
    name: 'PRESENCE_SUBSCRIPTION_SCHEDULE',
    doc:
      'NCRONTAB schedule (6 fields, seconds first) of the presence subscription manager: creates, renews (before ' +
      'expiry) and replaces the subscriptions covering every call queue agent of every served tenant. Only with ' +
      'PRESENCE_NOTIFICATION_URL.',
    default: '0 */5 * * * *',
  },
  {
    name: 'PRESENCE_TOKEN_KEY',
    doc:
      "AES-256-GCM key (32 bytes, base64) sealing each tenant's delegated presence refresh token at rest (table " +
      '`presenceConnections`). Unset: derived (HKDF-SHA256) from BOT_CLIENT_SECRET.',
    secret: true,
  },
  {
    name: 'PRESENCE_EVENTS_QUEUE_NAME',
    doc:
      'Storage queue of presence notifications (one message per notification, from the presence webhook). Default: ' +
      '`<CALL_EVENTS_QUEUE_NAME>-presence` (that name cut to 47 characters). Lower-case letters, digits and dashes, 3-56 characters.',
  },
  {
    name: 'CALLS_TENANTS',
    doc:
      'Comma-separated tenant ids whose call notifications are accepted besides the tenants with endpoints ' +
      '(a callback token whose `tid` is neither is refused 403).',
  },
  {
    name: 'TENANT_RATES',
    doc:
      'JSON of per-tenant request budgets shared by all instances, keyed by tenant id or `*`: ' +
      '`{graphPerSecond, bridgePerSecond, bulkStartsPerSecond}` (0 = unpaced). Defaults: Graph 20/s (3,000 writes per ' +
      '2.5 min per app and tenant), bridge 5/s, bulk starts Graph ÷ 8.',
  },
  {
    name: 'PROMPTS_BASE_URL',
    doc:
      'Public origin Graph fetches prompt WAVs from (`{base}/api/media/prompts/…`); Graph must reach it over the ' +
      'internet. Default: the origin of the calling webhook (CALLS_CALLBACK_URL, else the URL notifications arrive on).',
  },
  {
    name: 'SPEECH_REGION',
    doc: 'Azure AI Speech region (e.g. `westeurope`) for `{text}` prompts; with SPEECH_KEY it selects Azure AI Speech.',
  },
  {
    name: 'SPEECH_KEY',
    doc: 'Azure AI Speech resource key. Unset: `{text}` prompts are rendered by `espeak-ng` when on PATH, else refused.',
    secret: true,
  },
  {
    name: 'SPEECH_VOICE',
    doc: 'Azure AI Speech voice for `{text}` prompts.',
    default: 'en-US-JennyNeural',
  },
  {
    name: 'SELF_SERVICE_SECRET_KEY',
    doc:
      'Seals self-service secrets at rest (AES-256-GCM, key = SHA-256 of this value; ≥ 16 characters). Unset: kept ' +
      'as written in table `selfServices` (never returned, never logged). Changing it makes stored secrets unreadable: put them again.',
    secret: true,
  },
  {
    name: 'SELF_SERVICE_ALLOW_HTTP_LOOPBACK',
    doc:
      'Tests and local demos only: `true` lets a self-service URL be plain http to a loopback host (127.0.0.1, ' +
      'localhost, [::1]). Otherwise it must be https.',
    default: 'false',
  },
  {
    name: 'MENUS_CLOCK',
    doc:
      'Tests and demos only: an ISO 8601 instant at which menus judge business hours instead of the real clock ' +
      '(e.g. `2026-12-05T22:00:00Z` to hear the closed greeting). Empty = the real clock.',
  },
] satisfies SettingDefinition[]);

/** Looks a setting up by name (throws on a typo, so docs and code cannot drift silently). */
export function settingDefinition(name: string): SettingDefinition {
  const found = SETTINGS.find((s) => s.name === name);
  if (!found) throw new Error(`Unknown setting ${name}`);
  return found;
}
