/** `GET /api/openapi.json` (anonymous): the API's OpenAPI 3.1 document, built from the request schemas at first use. */
import { openApiDocument } from '../lib/openapi';
import { api } from '../lib/api-handler';
import { httpRoute } from '../lib/route-access';

let document: Record<string, unknown> | undefined;

httpRoute('openApi', {
  access: 'anonymous',
  route: 'openapi.json',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (_request, _context) => {
    document ??= openApiDocument(process.env.SWITCHBOARD_VERSION?.trim() || '0.1.0');
    return { status: 200, jsonBody: document, headers: { 'cache-control': 'public, max-age=300' } };
  }),
});
