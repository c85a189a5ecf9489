/**
 * User principal names as Entra ID accepts them: `alias@domain`, at most 113 characters (64 before the @, 48 after),
 * alias of letters, digits and ' . - _ ! # ^ ~, no leading/trailing/double dots; the domain a DNS name with a dot.
 * UPNs are case-insensitive: the lower-cased form is the storage key.
 */
export type UpnResult = { ok: true; value: string; key: string } | { ok: false; message: string };

const ALIAS_RE = /^[A-Za-z0-9'._!#^~-]+$/;
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function parseUpn(input: string): UpnResult {
  const v = input.trim();
  if (!v) return { ok: false, message: 'is required (e.g. cc-sales@contoso.com)' };
  const at = v.lastIndexOf('@');
  if (at < 0 || v.indexOf('@') !== at) {
    return { ok: false, message: 'must be one alias and one domain, like cc-sales@contoso.com' };
  }
  const alias = v.slice(0, at);
  const domain = v.slice(at + 1).toLowerCase();
  if (!alias) return { ok: false, message: 'is missing the part before @' };
  if (alias.length > 64) return { ok: false, message: 'must have at most 64 characters before @' };
  if (!ALIAS_RE.test(alias)) {
    return { ok: false, message: "may only use letters, digits and ' . - _ ! # ^ ~ before @" };
  }
  if (alias.startsWith('.') || alias.endsWith('.') || alias.includes('..')) {
    return { ok: false, message: 'must not start or end with a dot, or have two dots in a row, before @' };
  }
  if (!domain) return { ok: false, message: 'is missing the domain after @ (e.g. contoso.com)' };
  if (domain.length > 48) return { ok: false, message: 'must have a domain of at most 48 characters' };
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL_RE.test(l))) {
    return { ok: false, message: `has an invalid domain "${domain}" (expected a verified domain like contoso.com)` };
  }
  const value = `${alias}@${domain}`;
  return { ok: true, value, key: value.toLowerCase() };
}

export function isUpn(input: string): boolean {
  return parseUpn(input).ok;
}

/** The case-insensitive key of a UPN (for storage keys and comparisons). */
export function upnKey(upn: string): string {
  return upn.trim().toLowerCase();
}

export function upnDomain(upn: string): string {
  return upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
}
