// The slice of OData query syntax the simulator understands: $filter with eq/ne/in/startswith joined by `and`,
// $select, $top with $skip/$skiptoken paging.

export class ODataError extends Error {}

type Pred = (item: Record<string, unknown>) => boolean;

function literal(raw: string): unknown {
  const t = raw.trim();
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  // GUID literals are unquoted in OData (e.g. appRoleId eq 1b4c…)
  if (/^[0-9a-f-]{36}$/i.test(t)) return t;
  throw new ODataError(`Syntax error: character '${t[0]}' is not valid at position 0 in '${t}'.`);
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

/** Splits on a keyword outside quotes and parentheses. */
function splitTop(expr: string, word: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  const needle = ` ${word} `;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && expr.slice(i, i + needle.length).toLowerCase() === needle) {
      parts.push(expr.slice(start, i));
      start = i + needle.length;
      i += needle.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts.map((p) => p.trim());
}

function stripParens(e: string): string {
  let s = e.trim();
  while (s.startsWith('(') && s.endsWith(')')) s = s.slice(1, -1).trim();
  return s;
}

/** Compiles a $filter expression against the allowed properties (case-insensitive names). */
export function compileFilter(expr: string, allowed: string[]): Pred {
  const canonical = new Map(allowed.map((p) => [p.toLowerCase(), p]));
  const prop = (name: string): string => {
    const p = canonical.get(name.trim().toLowerCase());
    if (!p) throw new ODataError(`Unsupported or invalid query filter clause specified for property '${name.trim()}'.`);
    return p;
  };
  const orParts = splitTop(stripParens(expr), 'or');
  if (orParts.length > 1) {
    const preds = orParts.map((p) => compileFilter(p, allowed));
    return (item) => preds.some((p) => p(item));
  }
  const andParts = splitTop(stripParens(expr), 'and');
  const preds: Pred[] = andParts.map((clause) => {
    const c = stripParens(clause);
    // A lambda on a collection of strings: `servicePrincipalNames/any(n:n eq 'api://x')` (OData 4.01 §5.1.1.13.1).
    let m = /^(\w+)\/any\(\s*(\w+)\s*:\s*(\w+)\s+eq\s+('(?:[^']|'')*')\s*\)$/i.exec(c);
    if (m) {
      const p = prop(m[1]);
      if (m[2] !== m[3]) throw new ODataError(`Invalid filter clause: '${c}'.`);
      const v = literal(m[4]);
      return (item) => Array.isArray(item[p]) && (item[p] as unknown[]).some((x) => same(x, v));
    }
    m = /^startswith\(\s*(\w+)\s*,\s*('(?:[^']|'')*')\s*\)$/i.exec(c);
    if (m) {
      const p = prop(m[1]);
      const v = String(literal(m[2])).toLowerCase();
      return (item) => typeof item[p] === 'string' && (item[p] as string).toLowerCase().startsWith(v);
    }
    m = /^(\w+)\s+in\s+\((.*)\)$/i.exec(c);
    if (m) {
      const p = prop(m[1]);
      const values = m[2].split(',').map(literal);
      return (item) => values.some((v) => same(item[p], v));
    }
    m = /^(\w+)\s+(eq|ne)\s+(.+)$/i.exec(c);
    if (m) {
      const p = prop(m[1]);
      const v = literal(m[3]);
      return m[2].toLowerCase() === 'eq' ? (item) => same(item[p], v) : (item) => !same(item[p], v);
    }
    throw new ODataError(`Invalid filter clause: '${c}'.`);
  });
  return (item) => preds.every((p) => p(item));
}

/** Applies $select to a full view; unknown properties are an error like Graph's. */
export function select(
  view: Record<string, unknown>,
  selectParam: string | null,
  typeName: string,
): Record<string, unknown> {
  if (!selectParam) return view;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(view);
  for (const raw of selectParam.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    const k = keys.find((key) => key.toLowerCase() === name.toLowerCase());
    if (!k) throw new ODataError(`Could not find a property named '${name}' on type '${typeName}'.`);
    out[k] = view[k];
  }
  if ('id' in view && !('id' in out)) out.id = view.id;
  return out;
}

export interface Page<T> {
  items: T[];
  nextLink?: string;
}

/**
 * Pages a filtered list. `$skip` and the simulator's own `$skiptoken` (an opaque offset) are both accepted;
 * nextLink repeats the caller's other query options.
 */
export function page<T>(
  all: T[],
  query: URLSearchParams,
  selfUrl: string,
  defaultTop: number,
  maxTop: number,
  style: 'skip' | 'skiptoken',
): Page<T> {
  const topRaw = query.get('$top');
  let top = defaultTop;
  if (topRaw !== null) {
    top = Number(topRaw);
    if (!Number.isInteger(top) || top < 1)
      throw new ODataError(`Invalid value '${topRaw}' for $top query option found.`);
    if (top > maxTop)
      throw new ODataError(`Invalid page size specified: '${top}'. Must be between 1 and ${maxTop} inclusive.`);
  }
  let offset = 0;
  const skip = query.get('$skip');
  const token = query.get('$skiptoken');
  if (skip !== null) offset = Number(skip);
  else if (token !== null)
    offset = Number(
      Buffer.from(token, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
  if (!Number.isInteger(offset) || offset < 0) throw new ODataError('Invalid paging token.');
  const items = all.slice(offset, offset + top);
  if (offset + top >= all.length) return { items };
  const next = new URLSearchParams();
  for (const [k, v] of query) if (k !== '$skip' && k !== '$skiptoken' && k !== '$top') next.set(k, v);
  next.set('$top', String(top));
  if (style === 'skip') next.set('$skip', String(offset + top));
  else next.set('$skiptoken', Buffer.from(`offset:${offset + top}`).toString('base64url'));
  const qs = [...next].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return { items, nextLink: `${selfUrl}?${qs}` };
}
