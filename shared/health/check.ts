/**
 * Health checks behind `GET /api/health`: storage must answer (the app cannot work without it); the tenant side
 * (Microsoft Graph, or the local simulator) is reported but never fails the check, since an unreachable tenant
 * is a degraded state the app survives (its workflows wait and retry).
 */
import { TableServiceClient } from '@azure/data-tables';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface CheckResult {
  status: 'ok' | 'degraded' | 'unhealthy';
  detail?: string;
  latencyMs: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'unhealthy';
  version: string;
  checks: { storage: CheckResult; tenant: CheckResult };
}

export async function checkStorage(connectionString: string | undefined, timeoutMs = 3000): Promise<CheckResult> {
  const started = Date.now();
  if (!connectionString) return { status: 'unhealthy', detail: 'AzureWebJobsStorage is not set', latencyMs: 0 };
  try {
    const client = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
    await client.getProperties({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return { status: 'ok', latencyMs: Date.now() - started };
  } catch (err) {
    // The anonymous reply carries no upstream text (hosts, account names, SDK messages): the log has them.
    void err;
    return { status: 'unhealthy', detail: 'storage did not answer', latencyMs: Date.now() - started };
  }
}

/** Any HTTP answer from the Graph base URL (even 401/404) proves the tenant side is reachable. */
export async function checkTenant(graphBaseUrl: string | undefined, timeoutMs = 2000): Promise<CheckResult> {
  const started = Date.now();
  if (!graphBaseUrl) return { status: 'degraded', detail: 'GRAPH_BASE_URL is not set', latencyMs: 0 };
  try {
    const res = await fetch(new URL('/v1.0/', graphBaseUrl), { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { status: 'ok', detail: `the tenant side answered ${res.status}`, latencyMs: Date.now() - started };
  } catch {
    return { status: 'degraded', detail: 'the tenant side is unreachable', latencyMs: Date.now() - started };
  }
}

/**
 * The report, probed at most once per HEALTH_CACHE_SECONDS (default 10; 0 = every call) however often the anonymous
 * endpoint is called: concurrent callers share one probe, so the health check cannot be used to hammer storage or
 * the tenant side.
 */
let cached: { at: number; report: Promise<HealthReport> } | undefined;
export function cachedHealthReport(env: Record<string, string | undefined>, now = Date.now()): Promise<HealthReport> {
  const ttlMs = Math.max(0, Number(env.HEALTH_CACHE_SECONDS ?? 10) || 0) * 1000;
  if (cached && now - cached.at < ttlMs) return cached.report;
  const report = healthReport(env);
  cached = { at: now, report };
  report.catch(() => (cached = undefined));
  return report;
}

export async function healthReport(env: Record<string, string | undefined>): Promise<HealthReport> {
  const [storage, tenant] = await Promise.all([
    checkStorage(env.AzureWebJobsStorage),
    checkTenant(env.GRAPH_BASE_URL ?? 'https://graph.microsoft.com'),
  ]);
  const status = storage.status !== 'ok' ? 'unhealthy' : tenant.status !== 'ok' ? 'degraded' : 'ok';
  return { status, version: appVersion(env), checks: { storage, tenant } };
}

let cachedVersion: string | undefined;
/** SWITCHBOARD_VERSION when set (deployments stamp it), else the version in the app's package.json. */
export function appVersion(env: Record<string, string | undefined>): string {
  if (env.SWITCHBOARD_VERSION) return env.SWITCHBOARD_VERSION;
  if (cachedVersion) return cachedVersion;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'switchboard' && pkg.version) return (cachedVersion = pkg.version);
    }
    if (path.dirname(dir) === dir) return (cachedVersion = '0.0.0');
  }
}
