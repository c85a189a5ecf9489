/**
 * Jest global setup: one Azurite for the whole run (in memory, unless one already listens — then it is used and left
 * alone). Test files isolate themselves by unique queue, table and task hub names.
 */
import { ensureAzurite } from '../../devhost/storage/azurite';
import path from 'node:path';

export default async function globalSetup(): Promise<void> {
  const handle = await ensureAzurite({
    inMemory: true,
    packageRoot: path.resolve(__dirname, '..', '..'),
  });
  (globalThis as Record<string, unknown>).__AZURITE__ = handle;
}
