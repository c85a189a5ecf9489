/**
 * `PUT /api/tenants/{tenantId}/prompts/{name}` (Admin), body `audio/wav`: a mono 16-bit 16 kHz PCM WAV of at most
 * 5 minutes. 400 names what is wrong (`sampleRate: is 44100 Hz; must be 16000`); 201 created, 200 replaced.
 */
import { MAX_PROMPT_BYTES, PROMPT_NAME_RE, PROMPT_NAME_RULE } from '../../shared/menus';
import { api, authorizeTenant, json, pathParam, validationProblem } from '../lib/api-handler';
import { appRoot } from '../composition-root';
import { httpRoute } from '../lib/route-access';

const WAV_TYPES = /^audio\/(wav|x-wav|wave|vnd\.wave)\b/i;

httpRoute('promptPut', {
  access: 'admin',
  route: 'tenants/{tenantId}/prompts/{name}',
  methods: ['PUT'],
  authLevel: 'anonymous',
  handler: api(async (request, _context) => {
    const { tenantId } = await authorizeTenant(request, 'Switchboard.Admin');
    const name = pathParam(request, 'name');
    const problems = [];
    if (!PROMPT_NAME_RE.test(name)) problems.push({ field: 'name', message: PROMPT_NAME_RULE });
    const type = request.headers.get('content-type') ?? '';
    if (!WAV_TYPES.test(type))
      problems.push({ field: 'content-type', message: `is '${type || 'none'}'; send the WAV as audio/wav` });
    const length = Number(request.headers.get('content-length') ?? '0');
    if (length > MAX_PROMPT_BYTES)
      problems.push({ field: 'body', message: `is ${length} bytes; at most ${MAX_PROMPT_BYTES}` });
    if (problems.length) throw validationProblem(problems);
    const body = Buffer.from(await request.arrayBuffer());
    const outcome = await appRoot().prompts.put(tenantId, name, body);
    if (outcome.kind === 'invalid') throw validationProblem(outcome.errors);
    return json(outcome.created ? 201 : 200, outcome.prompt);
  }),
});
