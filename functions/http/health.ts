import type { HttpResponseInit } from '@azure/functions';
import { cachedHealthReport } from '../../shared/health/check';
import { httpRoute } from '../lib/route-access';

/**
 * `GET /api/health` — no auth. 200 while storage answers (tenant reachability is reported, never fatal), else 503.
 * The probe is cached (HEALTH_CACHE_SECONDS) and the reply names no URL and carries no upstream text.
 */
httpRoute('health', {
  access: 'anonymous',
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: async (): Promise<HttpResponseInit> => {
    const report = await cachedHealthReport(process.env);
    return {
      status: report.status === 'unhealthy' ? 503 : 200,
      jsonBody: report,
      headers: { 'cache-control': 'no-store' },
    };
  },
});
