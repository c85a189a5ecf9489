#!/usr/bin/env node
/**
 * `switchboard` — the command line for Switchboard's HTTP API: endpoints, consent, drift, call queues, agents, calls,
 * and a dev login against the local tenant simulator. Output is a readable table, or JSON with `--json`.
 */
import { Command } from 'commander';
import { ApiError } from './api-client';
import { registerAgentCommands } from './commands/agents.command';
import { registerBulkCommands } from './commands/bulk.command';
import { registerCallQueueCommands } from './commands/callqueues.command';
import { registerCallCommands } from './commands/calls.command';
import { registerConsentCommand } from './commands/consent.command';
import { registerDriftCommand } from './commands/drift.command';
import { registerEndpointCommands } from './commands/endpoints.command';
import { registerLoginCommand } from './commands/login.command';
import { registerReportCommand } from './commands/report.command';
import { registerRoleCommands } from './commands/roles.command';

const program = new Command();
program
  .name('switchboard')
  .description("Provision and run a Teams contact center through Switchboard's API")
  .option('--api <url>', 'API base URL (default: saved by login, else http://localhost:7071/api)')
  .option('--tenant <tenantId>', 'customer tenant id (default: saved by login)')
  .option('--token <jwt>', 'bearer token (default: saved by login, or $SWITCHBOARD_TOKEN)')
  .option('--json', 'print JSON instead of tables');

// One file per command group under commands/; the order is the order `--help` lists them in.
registerEndpointCommands(program);
registerBulkCommands(program);
registerCallQueueCommands(program);
registerAgentCommands(program);
registerCallCommands(program);
registerConsentCommand(program);
registerRoleCommands(program);
registerDriftCommand(program);
registerReportCommand(program);
registerLoginCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ApiError) {
    process.stderr.write(`error: ${err.message}\n`);
    for (const e of err.problem.errors ?? []) {
      process.stderr.write(
        `  ${e.row !== undefined ? `row ${e.row}: ` : ''}${e.field ? `${e.field}: ` : ''}${e.message}\n`,
      );
    }
  } else {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exitCode = 1;
});
