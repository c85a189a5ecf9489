/**
 * Admin-consent links. The v2 endpoint consents to the app's configured (`/.default`) Graph permissions in one
 * tenant; the older `/common/adminconsent` form (what the vendor's seed shows) lets the admin pick the tenant.
 * Never trust the `tenant` the redirect returns for authorisation.
 */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';

export interface AdminConsentUrlOptions {
  authorityHost: string;
  tenant: string;
  clientId: string;
  redirectUri?: string;
  state?: string;
  scope?: string;
}

const base = (host: string) => host.replace(/\/+$/, '');

export function adminConsentUrl(o: AdminConsentUrlOptions): string {
  const url = new URL(`${base(o.authorityHost)}/${encodeURIComponent(o.tenant)}/v2.0/adminconsent`);
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('scope', o.scope ?? GRAPH_DEFAULT_SCOPE);
  if (o.redirectUri) url.searchParams.set('redirect_uri', o.redirectUri);
  if (o.state) url.searchParams.set('state', o.state);
  return url.toString();
}

export function legacyAdminConsentUrl(o: Omit<AdminConsentUrlOptions, 'tenant' | 'scope'>): string {
  const url = new URL(`${base(o.authorityHost)}/common/adminconsent`);
  url.searchParams.set('client_id', o.clientId);
  if (o.redirectUri) url.searchParams.set('redirect_uri', o.redirectUri);
  if (o.state) url.searchParams.set('state', o.state);
  return url.toString();
}

export type AdminConsentResult =
  { ok: true; tenant?: string; state?: string } | { ok: false; error: string; description?: string; state?: string };

/** Reads the redirect's query (`admin_consent=True&tenant=…&state=…`, or `error`, `error_description`). */
export function parseAdminConsentRedirect(query: URLSearchParams): AdminConsentResult {
  const state = query.get('state') ?? undefined;
  const error = query.get('error');
  if (error) return { ok: false, error, description: query.get('error_description') ?? undefined, state };
  if ((query.get('admin_consent') ?? '').toLowerCase() === 'true') {
    return { ok: true, tenant: query.get('tenant') ?? undefined, state };
  }
  return { ok: false, error: 'invalid_response', description: 'admin_consent was not True', state };
}
