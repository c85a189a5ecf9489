import type { AzuriteHandle } from '../../devhost/storage/azurite';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>).__AZURITE__ as AzuriteHandle | undefined;
  await handle?.stop();
}
