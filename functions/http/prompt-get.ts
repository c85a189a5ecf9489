/**
 * `GET /api/tenants/{tenantId}/prompts/{name}` (Admin, Supervisor): the prompt's WAV (the tenant's, else the default
 * set's). Graph does not come here (it has no token): it fetches `/api/media/prompts/…` (prompt-media.ts).
 */
import { notFound } from '../../shared/http/problem';
import { HttpProblem, api, authorizeTenant, pathParam } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

httpRoute('promptGet', {
  access: 'supervisor',
  route: 'tenants/{tenantId}/prompts/{name}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin', 'Switchboard.Supervisor');
    const name = pathParam(request, 'name');
    const found = await appRoot().prompts.get(tenantId, name);
    if (!found) throw new HttpProblem(notFound(`No prompt ${name} in tenant ${tenantId}.`));
    return {
      status: 200,
      body: found.wav,
      headers: {
        'content-type': 'audio/wav',
        'cache-control': 'no-store',
        ...(found.prompt.sha256 ? { etag: `"${found.prompt.sha256}"` } : {}),
      },
    };
  }),
});
