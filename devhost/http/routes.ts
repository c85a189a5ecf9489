/**
 * HTTP route templates as the Functions host (ASP.NET Core routing) understands them:
 * literal segments (case-insensitive), `{id}`, `{id?}`, `{id=default}`, `{id:int}` and other inline constraints
 * (`int long guid alpha bool datetime decimal double float length(n) length(a,b) minlength maxlength min max range
 * regex(...)`), catch-all `{*rest}` (also `{**rest}`), and complex segments such as `{name}.{ext}`.
 * When several routes match, the one with the higher precedence wins: segment by segment, literal beats complex
 * beats constrained parameter beats plain parameter beats catch-all (ASP.NET Core's inbound route precedence).
 */

export class RouteTemplateError extends Error {
  constructor(template: string, message: string) {
    super(`Invalid route template "${template}": ${message}`);
    this.name = 'RouteTemplateError';
  }
}

export interface RouteParameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: RouteConstraint[];
}

export interface RouteConstraint {
  name: string;
  args: string[];
  test(value: string): boolean;
}

type SegmentPart = { kind: 'literal'; text: string } | { kind: 'param'; param: RouteParameter };

export interface RouteSegment {
  parts: SegmentPart[];
}

export interface ParsedRoute {
  template: string;
  segments: RouteSegment[];
  /** One rank per segment (lower = more specific); used to order candidate routes. */
  precedence: number[];
}

/** Parses a template (without the route prefix). Leading `/` and `~/` are ignored; trailing `/` too. */
export function parseRouteTemplate(template: string): ParsedRoute {
  const trimmed = template.replace(/^~?\//, '').replace(/\/+$/, '');
  if (trimmed.includes('?') && !/\{[^}]*\?[^}]*\}/.test(trimmed)) {
    throw new RouteTemplateError(template, 'a template cannot contain "?" outside a parameter');
  }
  const rawSegments = trimmed === '' ? [] : splitSegments(trimmed, template);
  const segments: RouteSegment[] = rawSegments.map((raw) => parseSegment(raw, template));
  const names = new Set<string>();
  segments.forEach((seg, i) => {
    const params = seg.parts.filter((p): p is { kind: 'param'; param: RouteParameter } => p.kind === 'param');
    for (const { param } of params) {
      const lower = param.name.toLowerCase();
      if (names.has(lower)) throw new RouteTemplateError(template, `parameter "${param.name}" appears twice`);
      names.add(lower);
      if (param.catchAll && i !== segments.length - 1) {
        throw new RouteTemplateError(template, 'a catch-all parameter must be the last segment');
      }
    }
    if (seg.parts.length > 1) {
      for (let p = 1; p < seg.parts.length; p++) {
        if (seg.parts[p]!.kind === 'param' && seg.parts[p - 1]!.kind === 'param') {
          throw new RouteTemplateError(template, 'two parameters in one segment must be separated by a literal');
        }
      }
      if (params.some(({ param }) => param.catchAll)) {
        throw new RouteTemplateError(template, 'a catch-all parameter cannot be part of a complex segment');
      }
    }
  });
  // Optional (or defaulted) simple segments may only be followed by other optional segments.
  let seenOptional = false;
  for (const seg of segments) {
    const opt = isOptionalSegment(seg);
    if (seenOptional && !opt) {
      throw new RouteTemplateError(template, 'an optional parameter must be at the end of the template');
    }
    seenOptional = seenOptional || opt;
  }
  return { template, segments, precedence: segments.map(segmentRank) };
}

function isOptionalSegment(seg: RouteSegment): boolean {
  if (seg.parts.length !== 1 || seg.parts[0]!.kind !== 'param') return false;
  const p = seg.parts[0]!.param;
  return p.optional || p.catchAll || p.defaultValue !== undefined;
}

/** Splits on `/` outside braces (a regex constraint may contain `/`). */
function splitSegments(text: string, template: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === '/' && depth === 0) {
      if (current === '') throw new RouteTemplateError(template, 'empty segment ("//")');
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out;
}

function parseSegment(raw: string, template: string): RouteSegment {
  const parts: SegmentPart[] = [];
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === '{') {
      if (raw[i + 1] === '{') {
        appendLiteral(parts, '{');
        i += 2;
        continue;
      }
      const end = findParamEnd(raw, i, template);
      parts.push({ kind: 'param', param: parseParameter(raw.slice(i + 1, end), template) });
      i = end + 1;
    } else if (raw[i] === '}') {
      if (raw[i + 1] !== '}') throw new RouteTemplateError(template, 'unmatched "}"');
      appendLiteral(parts, '}');
      i += 2;
    } else {
      appendLiteral(parts, raw[i]!);
      i++;
    }
  }
  return { parts };
}

function appendLiteral(parts: SegmentPart[], text: string): void {
  const last = parts[parts.length - 1];
  if (last?.kind === 'literal') last.text += text;
  else parts.push({ kind: 'literal', text });
}

/** Finds the `}` closing the parameter at `start`, allowing `}}` escapes inside regex constraints. */
function findParamEnd(raw: string, start: number, template: string): number {
  let i = start + 1;
  while (i < raw.length) {
    if (raw[i] === '}') {
      if (raw[i + 1] === '}') {
        i += 2;
        continue;
      }
      return i;
    }
    i++;
  }
  throw new RouteTemplateError(template, 'unclosed "{"');
}

function parseParameter(body: string, template: string): RouteParameter {
  let text = body.replace(/\}\}/g, '}').replace(/\{\{/g, '{');
  let catchAll = false;
  if (text.startsWith('**')) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith('*')) {
    catchAll = true;
    text = text.slice(1);
  }
  const nameMatch = /^[^:=?]+/.exec(text);
  if (!nameMatch) throw new RouteTemplateError(template, `parameter "{${body}}" has no name`);
  const name = nameMatch[0];
  if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new RouteTemplateError(template, `bad parameter name "${name}"`);
  let rest = text.slice(name.length);
  let optional = false;
  let defaultValue: string | undefined;
  const constraints: RouteConstraint[] = [];
  // Constraints: `:name` or `:name(args)`; args may contain `:` and `)` in regex, so scan for balanced parentheses.
  while (rest.startsWith(':')) {
    let j = 1;
    while (j < rest.length && /[A-Za-z]/.test(rest[j]!)) j++;
    const cname = rest.slice(1, j);
    let args: string[] = [];
    if (rest[j] === '(') {
      let depth = 0;
      let k = j;
      for (; k < rest.length; k++) {
        if (rest[k] === '(') depth++;
        else if (rest[k] === ')') {
          depth--;
          if (depth === 0) break;
        }
      }
      if (k >= rest.length) throw new RouteTemplateError(template, `constraint "${cname}" has unbalanced parentheses`);
      const argText = rest.slice(j + 1, k);
      args = cname.toLowerCase() === 'regex' ? [argText] : argText.split(',').map((a) => a.trim());
      j = k + 1;
    }
    constraints.push(makeConstraint(cname, args, template));
    rest = rest.slice(j);
  }
  if (rest.startsWith('=')) {
    defaultValue = rest.slice(1);
    rest = '';
  } else if (rest === '?') {
    optional = true;
    rest = '';
  }
  if (rest !== '') throw new RouteTemplateError(template, `cannot parse parameter "{${body}}"`);
  if (catchAll && optional) throw new RouteTemplateError(template, 'a catch-all parameter cannot be optional');
  return { name, optional, catchAll, defaultValue, constraints };
}

const INT32 = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const GUID = /^(\{)?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}(\})?$/;

function makeConstraint(name: string, args: string[], template: string): RouteConstraint {
  const lower = name.toLowerCase();
  const num = (i: number): number => {
    const n = Number(args[i]);
    if (args[i] === undefined || !Number.isFinite(n)) {
      throw new RouteTemplateError(template, `constraint "${name}" needs a numeric argument`);
    }
    return n;
  };
  const c = (test: (v: string) => boolean): RouteConstraint => ({ name: lower, args, test });
  switch (lower) {
    case 'int':
      return c((v) => INT32.test(v) && Math.abs(Number(v)) <= 2 ** 31);
    case 'long':
      return c((v) => INT32.test(v) && BigInt(v) <= 2n ** 63n - 1n && BigInt(v) >= -(2n ** 63n));
    case 'decimal':
    case 'double':
    case 'float':
      return c((v) => NUMBER.test(v));
    case 'guid':
      return c((v) => GUID.test(v) && v.startsWith('{') === v.endsWith('}'));
    case 'alpha':
      return c((v) => /^[A-Za-z]+$/.test(v));
    case 'bool':
      return c((v) => /^(true|false)$/i.test(v));
    case 'datetime':
      return c((v) => !Number.isNaN(Date.parse(v)));
    case 'length': {
      if (args.length === 1) {
        const n = num(0);
        return c((v) => v.length === n);
      }
      const [min, max] = [num(0), num(1)];
      return c((v) => v.length >= min && v.length <= max);
    }
    case 'minlength': {
      const n = num(0);
      return c((v) => v.length >= n);
    }
    case 'maxlength': {
      const n = num(0);
      return c((v) => v.length <= n);
    }
    case 'min': {
      const n = num(0);
      return c((v) => INT32.test(v) && Number(v) >= n);
    }
    case 'max': {
      const n = num(0);
      return c((v) => INT32.test(v) && Number(v) <= n);
    }
    case 'range': {
      const [min, max] = [num(0), num(1)];
      return c((v) => INT32.test(v) && Number(v) >= min && Number(v) <= max);
    }
    case 'regex': {
      let re: RegExp;
      try {
        // ASP.NET regex constraints are case-insensitive and must match the whole value when anchored by the author;
        // unanchored patterns match anywhere, as in .NET.
        re = new RegExp(args[0] ?? '', 'i');
      } catch (err) {
        throw new RouteTemplateError(template, `bad regex constraint: ${(err as Error).message}`);
      }
      return c((v) => re.test(v));
    }
    default:
      throw new RouteTemplateError(template, `unknown constraint "${name}"`);
  }
}

/** ASP.NET Core inbound precedence digit of one segment: 1 literal, 2 complex, 3 constrained, 4 parameter, 5 catch-all. */
function segmentRank(seg: RouteSegment): number {
  if (seg.parts.length > 1) return 2;
  const part = seg.parts[0]!;
  if (part.kind === 'literal') return 1;
  if (part.param.catchAll) return 5;
  return part.param.constraints.length > 0 ? 3 : 4;
}

/** Negative when `a` should be tried before `b`. */
export function compareRoutePrecedence(a: ParsedRoute, b: ParsedRoute): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    // A route that has run out of segments is less specific than one that still constrains the path.
    const ra = a.precedence[i] ?? 6;
    const rb = b.precedence[i] ?? 6;
    if (ra !== rb) return ra - rb;
  }
  return 0;
}

/**
 * Matches decoded path segments (prefix already removed) against a route. Returns the route values (parameter name →
 * value; optional parameters without a value are absent, defaulted ones get their default) or undefined.
 */
export function matchRoute(route: ParsedRoute, pathSegments: string[]): Record<string, string> | undefined {
  const values: Record<string, string> = {};
  const segs = route.segments;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!;
    const single = seg.parts.length === 1 ? seg.parts[0]! : undefined;
    if (single?.kind === 'param' && single.param.catchAll) {
      const rest = pathSegments.slice(i).join('/');
      if (rest === '') {
        if (single.param.defaultValue !== undefined) values[single.param.name] = single.param.defaultValue;
      } else {
        if (!single.param.constraints.every((c) => c.test(rest))) return undefined;
        values[single.param.name] = rest;
      }
      return values;
    }
    const value = pathSegments[i];
    if (value === undefined) {
      if (single?.kind === 'param' && (single.param.optional || single.param.defaultValue !== undefined)) {
        if (single.param.defaultValue !== undefined) values[single.param.name] = single.param.defaultValue;
        continue;
      }
      return undefined;
    }
    if (!matchSegment(seg, value, values)) return undefined;
  }
  if (pathSegments.length > segs.length) return undefined;
  return values;
}

function matchSegment(seg: RouteSegment, value: string, values: Record<string, string>): boolean {
  const single = seg.parts.length === 1 ? seg.parts[0]! : undefined;
  if (single?.kind === 'literal') return single.text.toLowerCase() === value.toLowerCase();
  if (single?.kind === 'param') {
    if (value === '' || !single.param.constraints.every((c) => c.test(value))) return false;
    values[single.param.name] = value;
    return true;
  }
  // Complex segment: literals anchor the parameters. ASP.NET matches complex segments from the right, so earlier
  // parameters are greedy: `{a}.{b}` on `x.y.z` gives a=x.y, b=z — which greedy `(.+)` groups reproduce.
  const pattern = seg.parts.map((p) => (p.kind === 'literal' ? escapeRegex(p.text) : '(.+)')).join('');
  const m = new RegExp(`^${pattern}$`, 'i').exec(value);
  if (!m) return false;
  let g = 1;
  const found: Record<string, string> = {};
  for (const p of seg.parts) {
    if (p.kind !== 'param') continue;
    const v = m[g++]!;
    if (!p.param.constraints.every((c) => c.test(v))) return false;
    found[p.param.name] = v;
  }
  Object.assign(values, found);
  return true;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Splits a URL path (no query) into decoded segments, dropping empty ones from leading/trailing/doubled slashes. */
export function splitPath(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}
