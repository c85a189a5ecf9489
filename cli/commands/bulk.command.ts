/** `switchboard bulk import|status|cancel`: provision many endpoints from a CSV or JSON file. */
import type { Command } from 'commander';
import { table } from '../api-client';
import {
  exitCodeFor,
  getStatus,
  problemRowsTable,
  progressLine,
  submit,
  summaryLine,
  waitForBatch,
  type BatchStatus,
  type Output,
} from '../bulk-format';
import { commandContext, out } from '../command-context';

const io: Output = {
  out,
  err: (text: string) => void process.stderr.write(text),
  tty: !!process.stderr.isTTY,
};

function printBatch(status: BatchStatus, json: boolean): void {
  if (json) return out(JSON.stringify(status, null, 2));
  out(summaryLine(status));
  const problems = problemRowsTable(status.rows ?? []);
  if (problems) out(`\nRows to fix\n${problems}`);
}

export function registerBulkCommands(program: Command): void {
  const context = () => commandContext(program);
  const bulk = program.command('bulk').description('provision many endpoints from a CSV or JSON file');

  bulk
    .command('import <file>')
    .description(
      'upload a CSV (header userPrincipalName,displayName,usageLocation,phoneNumber,numberType,queueId) or a JSON array',
    )
    .option('--wait', 'show progress until every row is done, then the rows that failed')
    .option('--idempotency-key <key>', 'makes a repeated import return the same batch (default: a new key per run)')
    .action(async (file: string, o: { wait?: boolean; idempotencyKey?: string }) => {
      const { client, tenant, json } = context();
      const reply = await submit(client, tenant, file, o.idempotencyKey, io, json);
      if (!o.wait) {
        if (json) out(JSON.stringify(reply, null, 2));
        else {
          out(
            `Batch ${reply.batchId}: ${reply.accepted} of ${reply.total} rows accepted, ${reply.rejected.length} rejected.`,
          );
          const rejected = reply.rejected.flatMap((r) =>
            r.errors.map((e) => ({ row: r.row, line: r.line ?? '', field: e.field, error: e.message })),
          );
          if (rejected.length) out(`\nRejected rows\n${table(rejected, ['row', 'line', 'field', 'error'])}`);
          out(`\nFollow it with: switchboard bulk status ${reply.batchId}`);
        }
        if (reply.rejected.length > 0) process.exitCode = 1;
        return;
      }
      if (!json) {
        process.stderr.write(
          `Batch ${reply.batchId}: ${reply.accepted} of ${reply.total} rows accepted, ${reply.rejected.length} rejected.\n`,
        );
      }
      await waitForBatch(client, tenant, reply.batchId, io, { quiet: json });
      const final = await getStatus(client, tenant, reply.batchId, true);
      printBatch(final, json);
      process.exitCode = exitCodeFor(final);
    });

  bulk
    .command('status <batchId>')
    .description('progress of a batch and the rows that failed')
    .option('--csv', 'print every row with its outcome as CSV (to fix and import again)')
    .action(async (batchId: string, o: { csv?: boolean }) => {
      const { client, tenant, json } = context();
      if (o.csv) {
        const csv = await client.send<string>(
          'GET',
          `tenants/${tenant}/bulk/${encodeURIComponent(batchId)}?format=csv`,
          {
            accept: 'text/csv',
          },
        );
        process.stdout.write(csv.body);
        return;
      }
      const status = await getStatus(client, tenant, batchId, true);
      if (!json) out(progressLine(status));
      printBatch(status, json);
      if (status.pending + status.running === 0) process.exitCode = exitCodeFor(status);
    });

  bulk
    .command('cancel <batchId>')
    .description('start no further rows of a batch (rows already running finish)')
    .action(async (batchId: string) => {
      const { client, tenant, json } = context();
      const status = await client.request<BatchStatus>(
        'POST',
        `tenants/${tenant}/bulk/${encodeURIComponent(batchId)}/cancel`,
      );
      printBatch(status, json);
    });
}
