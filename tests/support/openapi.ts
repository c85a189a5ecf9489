/**
 * The app's OpenAPI document as tests use it: the routes the devhost registered (its start-up banner), each route's
 * path in the document, and checking a reply against the document's schema for its route, method and status
 * (ajv, JSON Schema 2020-12 — OpenAPI 3.1's dialect). A reply the document does not describe is itself a finding.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export { openApiPath } from '../../functions/lib/openapi';

type Json = Record<string, unknown>;
export interface OpenApiOperation {
  'x-access'?: string;
  parameters?: { name: string; in: string; required?: boolean; example?: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown; example: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown; example?: unknown }> }>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

export interface RegisteredRoute {
  name: string;
  methods: string[];
  /** The route template as the host printed it (after `/api/`). */
  template: string;
}

/** Every HTTP route the devhost registered, from its start-up banner (`name: [GET,POST] http://host/api/…`). */
export function registeredRoutesOf(hostOutput: string): RegisteredRoute[] {
  return [...hostOutput.matchAll(/^\s*(\w+): \[([A-Z,]+)\] http:\/\/[^/]+\/api\/(\S+)$/gm)].map(
    ([, name, methods, template]) => ({ name, methods: methods.split(','), template }),
  );
}

const ID = 'https://switchboard.test/openapi.json';
const validators = new WeakMap<OpenApiDocument, { ajv: Ajv2020; cache: Map<string, ValidateFunction> }>();

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks a reply against the document: its path, method and status must be described, and a JSON (or
 * problem+json) body must validate against that response's schema. Answers the problems found, none when it fits.
 */
export function replyProblems(
  doc: OpenApiDocument,
  path: string,
  method: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string[] {
  const where = `${method.toUpperCase()} ${path} ${status}`;
  const response = doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
  if (!response) return [`${where}: the document describes no such reply`];
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!/json$/.test(type)) return [];
  const media = response.content?.[type];
  if (!media) return [`${where}: the document describes no ${type || 'body'} for it`];
  if (!media.schema) return [];
  let state = validators.get(doc);
  if (!state) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat('binary', true);
    ajv.addSchema(doc as unknown as Json, ID);
    state = { ajv, cache: new Map() };
    validators.set(doc, state);
  }
  const ref = `${ID}#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', type, 'schema')}`;
  let validate = state.cache.get(ref);
  if (!validate) {
    validate = state.ajv.compile({ $ref: ref });
    state.cache.set(ref, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message ?? ''}`.trim());
}

/** The document path a concrete request path falls under (`/api/tenants/x/endpoints/y` → `…/{tenantId}/…/{upn}`). */
export function templateOf(doc: OpenApiDocument, pathname: string): string | undefined {
  const matches = Object.keys(doc.paths).filter((template) => {
    const re = template
      .split(/(\{[^}]+\})/)
      .map((part) => (part === '{rest}' || part === '{path}' ? '.+' : part.startsWith('{') ? '[^/]+' : escape(part)))
      .join('');
    return new RegExp(`^${re}$`).test(pathname);
  });
  // A literal segment beats a parameter (`…/supervisors` is not `…/{upn}`): the fewest parameters wins.
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** {@link replyProblems} for a concrete request path (its query string ignored). */
export function replyProblemsAt(
  doc: OpenApiDocument,
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): string[] {
  const path = new URL(url, 'http://x').pathname;
  const template = templateOf(doc, path);
  if (!template) return [`${method} ${path}: no path of the document matches`];
  return replyProblems(doc, template, method, status, contentType, body);
}

interface ApiSystem {
  api(
    method: string,
    pathname: string,
    o?: { token?: string; body?: unknown; contentType?: string },
  ): Promise<Response>;
}

/**
 * Makes every reply of `system.api` checked against the app's OpenAPI document (fetched once): a reply the document
 * does not describe, or a JSON body that does not validate, fails the test that got it. For the e2e tests whose
 * replies the document must describe (issue 17 item 14).
 */
export async function checkRepliesAgainstDocument(system: ApiSystem): Promise<OpenApiDocument> {
  const plain = system.api.bind(system);
  const doc = (await (await plain('GET', '/api/openapi.json')).json()) as OpenApiDocument;
  system.api = async (method, pathname, o) => {
    const res = await plain(method, pathname, o);
    const type = res.headers.get('content-type');
    let body: unknown;
    if (/json/.test(type ?? '')) {
      const text = await res.clone().text();
      body = text ? (JSON.parse(text) as unknown) : undefined;
    }
    expect(replyProblemsAt(doc, method, pathname, res.status, type, body)).toEqual([]);
    return res;
  };
  return doc;
}
