/**
 * `GET /api/media/prompts/{tenantId}/{name}/{sha256}.wav` and `GET /api/media/prompts/default/{name}.wav`: the WAVs
 * Graph's media platform fetches for playPrompt. Anonymous (Graph sends no credential), so only content-addressed:
 * the URL names the audio's SHA-256, which only the app hands out, and a URL never changes meaning (cached forever).
 */
import type { HttpResponseInit } from '@azure/functions';
import { normalizeGuid } from '../../shared/domain';
import { PROMPT_NAME_RE, SHA256_RE, readDefaultPrompt } from '../../shared/menus';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

const wav = (body: Buffer): HttpResponseInit => ({
  status: 200,
  body,
  headers: {
    'content-type': 'audio/wav',
    'cache-control': 'public, max-age=31536000, immutable',
    'x-content-type-options': 'nosniff',
  },
});
const missing: HttpResponseInit = { status: 404, body: 'Not found', headers: { 'content-type': 'text/plain' } };

httpRoute('promptMedia', {
  access: 'anonymous',
  route: 'media/prompts/{owner}/{*rest}',
  methods: ['GET', 'HEAD'],
  authLevel: 'anonymous',
  handler: async (request): Promise<HttpResponseInit> => {
    const owner = request.params.owner ?? '';
    const parts = (request.params.rest ?? '').split('/');
    if (owner === 'default' && parts.length === 1) {
      const name = parts[0].replace(/\.wav$/, '');
      const body = PROMPT_NAME_RE.test(name) ? readDefaultPrompt(name) : undefined;
      return body ? wav(body) : missing;
    }
    const tenantId = normalizeGuid(owner);
    const hash = parts[1]?.replace(/\.wav$/, '');
    if (!tenantId || parts.length !== 2 || !PROMPT_NAME_RE.test(parts[0]) || !hash || !SHA256_RE.test(hash))
      return missing;
    const body = await appRoot().prompts.media(tenantId, hash);
    return body ? wav(body) : missing;
  },
});
