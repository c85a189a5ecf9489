/**
 * Where prompts live. Audio in blob storage — container `prompts`, blob `{tenantId}/{sha256}.wav`, content-addressed
 * and never overwritten, so a URL handed to Graph keeps playing the same audio even while an admin replaces the prompt
 * (a table entity holds at most 1 MiB and a binary property 64 KiB; 5 min of prompt audio is 9.6 MB). The names in
 * table `prompts` (PartitionKey tenantId, RowKey name → sha256, size, length, where it came from): one query lists a
 * tenant's prompts.
 */
import { BlobServiceClient, RestError, type ContainerClient } from '@azure/storage-blob';
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import { ensureTable, readEntity, tableClient } from '../storage';

export type PromptSource = 'upload' | 'tts';

export interface PromptRecord {
  tenantId: string;
  name: string;
  sha256: string;
  bytes: number;
  durationMs: number;
  source: PromptSource;
  /** For rendered prompts: the text and the engine / voice that rendered it. */
  text?: string;
  voice?: string;
  updatedAt: string;
}

const DEV_STORAGE = /^\s*UseDevelopmentStorage=true\s*;?\s*$/i;

export class PromptRepository {
  private readonly container: ContainerClient;
  private readonly names: TableClient;
  private ensured?: Promise<unknown>;

  constructor(connectionString: string, o: { container?: string; table?: string } = {}) {
    const blobs = DEV_STORAGE.test(connectionString)
      ? BlobServiceClient.fromConnectionString('UseDevelopmentStorage=true')
      : BlobServiceClient.fromConnectionString(connectionString);
    this.container = blobs.getContainerClient(o.container ?? 'prompts');
    this.names = tableClient(connectionString, o.table ?? 'prompts');
  }

  private ensureContainer(): Promise<unknown> {
    this.ensured ??= this.container.createIfNotExists().catch((e: unknown) => {
      this.ensured = undefined;
      throw e;
    });
    return this.ensured;
  }

  private blobName(tenantId: string, sha256: string): string {
    return `${tenantId.toLowerCase()}/${sha256}.wav`;
  }

  /** Stores audio under its hash; a second write of the same audio is a no-op. */
  async putAudio(tenantId: string, sha256: string, wav: Buffer): Promise<void> {
    await this.ensureContainer();
    const blob = this.container.getBlockBlobClient(this.blobName(tenantId, sha256));
    try {
      await blob.uploadData(wav, {
        blobHTTPHeaders: { blobContentType: 'audio/wav' },
        conditions: { ifNoneMatch: '*' },
      });
    } catch (e) {
      if (e instanceof RestError && (e.statusCode === 409 || e.statusCode === 412)) return; // already there
      throw e;
    }
  }

  async getAudio(tenantId: string, sha256: string): Promise<Buffer | undefined> {
    await this.ensureContainer();
    try {
      return await this.container.getBlockBlobClient(this.blobName(tenantId, sha256)).downloadToBuffer();
    } catch (e) {
      if (e instanceof RestError && e.statusCode === 404) return undefined;
      throw e;
    }
  }

  async putName(record: PromptRecord): Promise<void> {
    await ensureTable(this.names);
    const { tenantId, name, ...rest } = record;
    const entity: Record<string, unknown> = { partitionKey: tenantId.toLowerCase(), rowKey: name, ...rest };
    for (const k of Object.keys(entity)) if (entity[k] === undefined) delete entity[k];
    await this.names.upsertEntity(entity as never, 'Replace');
  }

  async getName(tenantId: string, name: string): Promise<PromptRecord | undefined> {
    await ensureTable(this.names);
    const e = await readEntity(this.names, tenantId.toLowerCase(), name);
    return e ? fromEntity(e) : undefined;
  }

  async listNames(tenantId: string): Promise<PromptRecord[]> {
    await ensureTable(this.names);
    const out: PromptRecord[] = [];
    const filter = odata`PartitionKey eq ${tenantId.toLowerCase()}`;
    for await (const e of this.names.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
      out.push(fromEntity(e));
    return out;
  }
}

function fromEntity(e: Record<string, unknown>): PromptRecord {
  return {
    tenantId: String(e.partitionKey),
    name: String(e.rowKey),
    sha256: String(e.sha256),
    bytes: Number(e.bytes),
    durationMs: Number(e.durationMs),
    source: e.source === 'tts' ? 'tts' : 'upload',
    ...(typeof e.text === 'string' ? { text: e.text } : {}),
    ...(typeof e.voice === 'string' ? { voice: e.voice } : {}),
    updatedAt: String(e.updatedAt),
  };
}
