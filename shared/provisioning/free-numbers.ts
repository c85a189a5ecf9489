/**
 * The tenant's free phone numbers (`GET /api/tenants/{t}/numbers?free=true`): Graph's number assignments with
 * `assignmentStatus eq 'unassigned'`, one page at a time through the TenantGateway. The continuation token carries only
 * the paging part of Graph's `@odata.nextLink` (`$skip` / `$skiptoken`): the next request is rebuilt on Graph's own
 * path, so a token a client made up can never send the tenant's Graph token anywhere else.
 */
import type { FreeNumber } from '../domain';
import type { NumberAssignment, TenantGateway } from '../tenant';

export type { FreeNumber };

export const NUMBERS_PATH = '/admin/teams/telephoneNumberManagement/numberAssignments';
export const FREE_FILTER = "assignmentStatus eq 'unassigned'";
const PAGING_KEYS = ['$skip', '$skiptoken'] as const;

export interface FreeNumbersPage {
  value: FreeNumber[];
  continuationToken?: string;
}

/** Graph's nextLink → our token (base64url of `$skip=…` / `$skiptoken=…`), undefined when there is no next page. */
export function numbersToken(nextLink: string | undefined): string | undefined {
  if (!nextLink) return undefined;
  let query: URLSearchParams;
  try {
    query = new URL(nextLink, 'https://graph.invalid').searchParams;
  } catch {
    return undefined;
  }
  const kept = new URLSearchParams();
  for (const k of PAGING_KEYS) {
    const v = query.get(k);
    if (v !== null) kept.set(k, v);
  }
  return kept.size ? Buffer.from(kept.toString(), 'utf8').toString('base64url') : undefined;
}

/** Our token → the paging query, or undefined when it is not one we made. */
export function pagingOfToken(token: string): Record<string, string> | undefined {
  if (token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const query = new URLSearchParams(Buffer.from(token, 'base64url').toString('utf8'));
  const out: Record<string, string> = {};
  for (const [k, v] of query) {
    if (!(PAGING_KEYS as readonly string[]).includes(k) || !v || v.length > 1024) return undefined;
    out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

export function freeNumberView(n: NumberAssignment): FreeNumber {
  const iso = typeof n.isoCountryCode === 'string' && /^[a-z]{2}$/i.test(n.isoCountryCode) ? n.isoCountryCode : '';
  return {
    telephoneNumber: n.telephoneNumber,
    numberType: n.numberType,
    ...(iso ? { isoCountryCode: iso.toUpperCase() } : {}),
    ...(typeof n.city === 'string' && n.city ? { city: n.city } : {}),
    capabilities: Array.isArray(n.capabilities) ? n.capabilities : [],
  };
}

/**
 * One page of the tenant's unassigned numbers. `token` must come from an earlier page (else `{invalidToken}`); the
 * numbers a resource account cannot take (no `voiceApplicationAssignment` capability, when Graph lists capabilities)
 * are left out, so a page may hold fewer than `top`.
 */
export async function listFreeNumbers(
  gateway: Pick<TenantGateway, 'listNumbers'>,
  o: { top?: number; token?: string } = {},
): Promise<FreeNumbersPage | { invalidToken: true }> {
  const top = Math.min(1000, Math.max(1, o.top ?? 100));
  let page;
  if (o.token) {
    const paging = pagingOfToken(o.token);
    if (!paging) return { invalidToken: true };
    // Percent-encoded (a space as %20, not URLSearchParams' `+`, which OData reads as a plus sign).
    const query = Object.entries({ $filter: FREE_FILTER, $top: String(top), ...paging })
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    page = await gateway.listNumbers({ nextLink: `${NUMBERS_PATH}?${query}` });
  } else {
    page = await gateway.listNumbers({ filter: FREE_FILTER, top });
  }
  const value = page.items
    .filter((n) => n.assignmentStatus === 'unassigned')
    .filter((n) => !Array.isArray(n.capabilities) || n.capabilities.includes('voiceApplicationAssignment'))
    .map(freeNumberView);
  const continuationToken = numbersToken(page.nextLink);
  return { value, ...(continuationToken ? { continuationToken } : {}) };
}
