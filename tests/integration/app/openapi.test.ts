/**
 * The OpenAPI 3.1 document (issue 17 item 14), against the running system: `GET /api/openapi.json` answers without a
 * token, every HTTP route the devhost registered (its start-up banner lists them) is in it with its methods, and the
 * request bodies it describes are the validating zod schemas' own JSON Schema (the documented examples validate).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSystem, type System } from '../../../scripts/lib/system';
import { REPO_ROOT } from '../../../scripts/lib/processes';
import { callQueueBodySchema } from '../../../shared/callqueues';
import { validateEndpointRequest } from '../../../shared/domain';
import { tenantBodySchema } from '../../../shared/onboarding';
import { openApiPath, registeredRoutesOf } from '../../support/openapi';
import { accessTable, documentedAccessTable, tableCells, type AccessRow } from '../../../scripts/docs';
import type { Access } from '../../../functions/lib/route-access';

jest.setTimeout(120_000);

let system: System;
type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      { 'x-access'?: string; requestBody?: { content: Record<string, { schema: unknown; example: unknown }> } }
    >
  >;
};
let doc: Doc;

beforeAll(async () => {
  system = await startSystem();
  const res = await system.api('GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(async () => {
  await system?.stop();
});

it('is OpenAPI 3.1 and names every registered route with its methods', () => {
  expect(doc.openapi).toBe('3.1.0');
  const registered = registeredRoutesOf(system.host.output());
  expect(registered.length).toBeGreaterThan(15);
  const missing: string[] = [];
  const undeclared: string[] = [];
  for (const { name, methods, template } of registered) {
    const path = openApiPath(template);
    for (const method of methods) {
      const op = doc.paths[path]?.[method.toLowerCase()];
      if (!op) missing.push(`${name}: ${method} ${path}`);
      else if (!op['x-access']) undeclared.push(`${name}: ${method} ${path}`);
    }
  }
  expect(missing).toEqual([]);
  // Each route declares who may call it where it is registered (functions/lib/route-access.ts).
  expect(undeclared).toEqual([]);
});

it('describes request bodies with the validating schemas, and their examples pass them', () => {
  const body = (path: string, method: string) => doc.paths[path][method].requestBody!.content['application/json'];
  const endpoint = body('/api/tenants/{tenantId}/endpoints', 'post');
  expect(endpoint.schema).toMatchObject({ type: 'object', required: ['userPrincipalName', 'displayName'] });
  expect(validateEndpointRequest(endpoint.example).ok).toBe(true);
  expect(
    callQueueBodySchema.safeParse(body('/api/tenants/{tenantId}/callQueues/{queueId}', 'put').example).success,
  ).toBe(true);
  expect(tenantBodySchema.safeParse(body('/api/admin/tenants/{tenantId}', 'put').example).success).toBe(true);
  expect(JSON.stringify(body('/api/tenants/{tenantId}/callQueues/{queueId}', 'put').schema)).toContain('routingMethod');
});

it("docs/api.md's access table is the one the routes declare (run `npm run docs` after changing a route's access)", () => {
  const rows: AccessRow[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).flatMap(([method, op]) =>
      op['x-access'] ? [{ method: method.toUpperCase(), path, access: op['x-access'] as Access }] : [],
    ),
  );
  const docs = readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  expect(tableCells(documentedAccessTable(docs))).toEqual(tableCells(accessTable(rows)));
});
