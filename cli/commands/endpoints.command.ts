/** `switchboard endpoints add|get|list|remove`: contact-center endpoints (resource accounts). */
import { Option, type Command } from 'commander';
import type { EndpointPageView, EndpointView } from '../../shared/domain';
import { table, type ApiClient } from '../api-client';
import { commandContext, out, pause } from '../command-context';

type Endpoint = EndpointView;

function printEndpoint(endpoint: Endpoint, json: boolean): void {
  if (json) return out(JSON.stringify(endpoint, null, 2));
  out(
    table(
      [endpoint as unknown as Record<string, unknown>],
      ['userPrincipalName', 'displayName', 'status', 'phoneNumber', 'numberType', 'queueId', 'objectId'],
    ),
  );
  if (endpoint.steps?.length) {
    out('\nSteps');
    out(
      table(endpoint.steps as unknown as Record<string, unknown>[], [
        'name',
        'status',
        'attempts',
        'startedAt',
        'endedAt',
        'error',
      ]),
    );
  }
}

async function waitForEndpoint(client: ApiClient, tenant: string, upn: string, json: boolean): Promise<Endpoint> {
  const terminal = new Set(['Provisioned', 'Failed', 'Deprovisioned']);
  let last = '';
  for (;;) {
    const endpoint = await client.request<Endpoint>('GET', `tenants/${tenant}/endpoints/${encodeURIComponent(upn)}`);
    const running = endpoint.steps
      ?.filter((s) => s.status === 'Running')
      .map((s) => s.name)
      .join(', ');
    const line = `${endpoint.status}${running ? ` (${running})` : ''}`;
    if (!json && line !== last && process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(60)}`);
    last = line;
    if (terminal.has(endpoint.status)) {
      if (!json && process.stderr.isTTY) process.stderr.write('\n');
      return endpoint;
    }
    await pause();
  }
}

export function registerEndpointCommands(program: Command): void {
  const context = () => commandContext(program);
  const endpoints = program.command('endpoints').description('contact-center endpoints (resource accounts)');

  endpoints
    .command('add')
    .description('provision an endpoint')
    .requiredOption('--upn <userPrincipalName>', 'the resource account UPN, e.g. cc-sales@contoso.com')
    .requiredOption('--display-name <name>', 'the name callers and agents see')
    .option('--number <e164>', 'PSTN number, e.g. +14255550100')
    .addOption(
      new Option('--number-type <type>', 'number type').choices(['callingPlan', 'directRouting', 'operatorConnect']),
    )
    .option('--usage-location <cc>', 'ISO 3166 two-letter country code')
    .option('--queue <queueId>', 'queue to bind the endpoint to')
    .option('--application-id <guid>', 'bot app id (default: the configured bot)')
    .option('--keep-partial', 'keep what was done when a later step fails')
    .option('--wait', 'wait until Provisioned or Failed')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const { client, tenant, json } = context();
      const body: Record<string, unknown> = { userPrincipalName: o.upn, displayName: o.displayName };
      if (o.number) body.phoneNumber = o.number;
      if (o.numberType) body.numberType = o.numberType;
      if (o.usageLocation) body.usageLocation = o.usageLocation;
      if (o.queue) body.queueId = o.queue;
      if (o.applicationId) body.applicationId = o.applicationId;
      if (o.keepPartial) body.keepPartial = true;
      const accepted = await client.request<Endpoint>('POST', `tenants/${tenant}/endpoints`, body);
      if (!o.wait) return printEndpoint(accepted, json);
      const final = await waitForEndpoint(client, tenant, String(o.upn), json);
      printEndpoint(final, json);
      if (final.status !== 'Provisioned') process.exitCode = 1;
    });

  endpoints
    .command('get <upn>')
    .description('show an endpoint and its step log')
    .action(async (upn: string) => {
      const { client, tenant, json } = context();
      printEndpoint(
        await client.request<Endpoint>('GET', `tenants/${tenant}/endpoints/${encodeURIComponent(upn)}`),
        json,
      );
    });

  endpoints
    .command('list')
    .description('list endpoints')
    .option('--top <n>', 'page size', '100')
    .option('--all', 'follow continuation tokens to the end')
    .action(async (o: { top: string; all?: boolean }) => {
      const { client, tenant, json } = context();
      const items: Endpoint[] = [];
      let continuation: string | undefined;
      do {
        const q = new URLSearchParams({ top: o.top });
        if (continuation) q.set('continuationToken', continuation);
        const page = await client.request<EndpointPageView>('GET', `tenants/${tenant}/endpoints?${q}`);
        items.push(...page.value);
        continuation = o.all ? page.continuationToken : undefined;
      } while (continuation);
      if (json) return out(JSON.stringify(items, null, 2));
      out(
        table(items as unknown as Record<string, unknown>[], [
          'userPrincipalName',
          'displayName',
          'status',
          'phoneNumber',
          'queueId',
        ]),
      );
    });

  endpoints
    .command('remove <upn>')
    .description('deprovision an endpoint (number first, then licence, then the account)')
    .option('--wait', 'wait until Deprovisioned or Failed')
    .action(async (upn: string, o: { wait?: boolean }) => {
      const { client, tenant, json } = context();
      await client.request('DELETE', `tenants/${tenant}/endpoints/${encodeURIComponent(upn)}`);
      if (!o.wait)
        return out(
          json ? JSON.stringify({ userPrincipalName: upn, status: 'Deprovisioning' }) : `Deprovisioning ${upn}`,
        );
      const final = await waitForEndpoint(client, tenant, upn, json);
      printEndpoint(final, json);
      if (final.status !== 'Deprovisioned') process.exitCode = 1;
    });
}
