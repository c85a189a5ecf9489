/** Where the CLI keeps its API URL, tenant and token: `$SWITCHBOARD_HOME/config.json` (default `~/.switchboard`). */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface CliConfig {
  apiUrl?: string;
  tenantId?: string;
  token?: string;
  tokenExpiresAt?: string;
}

export function configPath(env = process.env): string {
  return path.join(env.SWITCHBOARD_HOME ?? path.join(os.homedir(), '.switchboard'), 'config.json');
}

export function loadConfig(env = process.env): CliConfig {
  const file = configPath(env);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CliConfig;
  } catch {
    throw new Error(`${file} is not valid JSON: fix or delete it, then run 'switchboard login' again`);
  }
}

export function saveConfig(config: CliConfig, env = process.env): void {
  const file = configPath(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
}
