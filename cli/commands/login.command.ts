/** `switchboard login [--dev]`: save the API URL, tenant and a token (from the local simulator with --dev). */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { out, type GlobalOptions } from '../command-context';
import { loadConfig, saveConfig } from '../config';

function httpsJson<T>(url: string, ca: Buffer, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      { method: payload ? 'POST' : 'GET', ca, headers: payload ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 400) return reject(new Error(`${url} answered ${res.statusCode}: ${text}`));
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new Error(`${url} answered with non-JSON: ${text.slice(0, 200)}`));
          }
        });
      },
    );
    req.on('error', (err) => reject(new Error(`cannot reach ${url}: ${err.message}`)));
    req.end(payload);
  });
}

export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description('save the API URL, tenant and a token for later commands')
    .option('--dev', 'get a token from the local tenant simulator')
    .option('--simulator <url>', 'simulator URL', 'https://localhost:7075')
    .option('--ca <file>', "the simulator's CA certificate", path.join('.simulator', 'ca.pem'))
    .option('--roles <roles>', 'comma-separated roles', 'Switchboard.Admin')
    .option('--queues <queues>', 'comma-separated queue ids (supervisors)')
    .action(async (o: { dev?: boolean; simulator: string; ca: string; roles: string; queues?: string }) => {
      const opts = program.opts<GlobalOptions>();
      const config = loadConfig();
      if (!o.dev) {
        if (!opts.token) throw new Error('pass --token <jwt> (from your identity provider), or use --dev locally');
        saveConfig({
          ...config,
          apiUrl: opts.api ?? config.apiUrl,
          tenantId: opts.tenant ?? config.tenantId,
          token: opts.token,
        });
        return out('Saved.');
      }
      const ca = readFileSync(o.ca);
      const state = await httpsJson<{ tenants: { tenantId: string; domain: string }[] }>(
        `${o.simulator}/_sim/state`,
        ca,
      );
      const tenantId = opts.tenant ?? state.tenants[0]?.tenantId;
      if (!tenantId) throw new Error('the simulator has no tenant');
      const token = await httpsJson<{ access_token: string; expires_in: number }>(`${o.simulator}/_sim/tokens`, ca, {
        tenantId,
        roles: o.roles.split(',').map((r) => r.trim()),
        ...(o.queues ? { queues: o.queues.split(',').map((q) => q.trim()) } : {}),
      });
      saveConfig({
        apiUrl: opts.api ?? config.apiUrl ?? 'http://localhost:7071/api',
        tenantId,
        token: token.access_token,
        tokenExpiresAt: new Date(Date.now() + token.expires_in * 1000).toISOString(),
      });
      out(opts.json ? JSON.stringify({ tenantId, roles: o.roles }) : `Logged in to tenant ${tenantId} as ${o.roles}.`);
    });
}
