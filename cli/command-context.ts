/** What every command shares: the global options, the API client they make, and how output is written. */
import type { Command } from 'commander';
import { ApiClient } from './api-client';
import { loadConfig, type CliConfig } from './config';

export interface GlobalOptions {
  api?: string;
  tenant?: string;
  token?: string;
  json?: boolean;
}

export interface CommandContext {
  client: ApiClient;
  tenant: string;
  json: boolean;
  config: CliConfig;
}

/** The API client, tenant and output mode for a command, from the global options, the environment and the saved login. */
export function commandContext(program: Command): CommandContext {
  const opts = program.opts<GlobalOptions>();
  const config = loadConfig();
  const tenant = opts.tenant ?? process.env.SWITCHBOARD_TENANT ?? config.tenantId;
  if (!tenant) throw new Error("no tenant: pass --tenant <tenantId> or run 'switchboard login --dev'");
  const token = opts.token ?? process.env.SWITCHBOARD_TOKEN ?? config.token;
  const baseUrl = opts.api ?? process.env.SWITCHBOARD_API ?? config.apiUrl ?? 'http://localhost:7071/api';
  return { client: new ApiClient({ baseUrl, token }), tenant, json: !!opts.json, config };
}

/** Writes a line to stdout. */
export const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** Polls every second (the commands' `--wait`). */
export const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));
