/**
 * Planning a drift check's reads, and what they cost in requests. Pure: the tenant gateway sends them.
 *
 * Per endpoint the check needs
 * - the resource account: Teams admin bridge `applicationInstances:batchGet`, ≤ 100 identities per call;
 * - its Agent Provisioning Service mapping: bridge `applicationInstances/sync:batchGet`, ≤ 100 accounts per call
 *   (the batch form of `GET …/{objectId}/sync`);
 * - the Entra user (usageLocation, assignedLicenses): Graph `GET /users?$filter=id in (…)` with ≤ 15 ids per
 *   sub-request (Graph's default limit of a directory `$filter`), ≤ 20 sub-requests per `$batch`: 300 users a request;
 * and per tenant, whatever the endpoint count
 * - the number inventory: `GET …/numberAssignments` pages of ≤ 1,000 (the number of each account is looked up by
 *   assignmentTargetId in memory, instead of one filtered read per endpoint);
 * - per bot app: its service principal, its appRoleAssignments, its oauth2PermissionGrants (3 Graph requests).
 * Each `$batch` is one HTTP request but each of its sub-requests counts against Graph's throttling budget, so both
 * are reported.
 */
import { upnKey } from '../domain';

export const GRAPH_BATCH_LIMIT = 20;
export const USER_FILTER_LIMIT = 15;
export const BRIDGE_BATCH_GET_LIMIT = 100;
export const NUMBER_PAGE_SIZE = 1000;
export const CONSENT_READS_PER_APP = 3;

/** Splits items into consecutive groups of at most `size` (size < 1 is treated as 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const n = Number.isFinite(size) && size >= 1 ? Math.floor(size) : 1;
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

export interface ReadPlanOptions {
  /** Graph `$batch` size (≤ 20, Graph's limit). */
  graphBatchSize?: number;
  /** User ids per `$filter=id in (…)` sub-request (≤ 15, Graph's default limit). */
  userFilterSize?: number;
  /** Bridge batchGet size (≤ 100). */
  bridgeBatchSize?: number;
  /** Numbers in the tenant's inventory (default: one per endpoint). */
  inventorySize?: number;
  numberPageSize?: number;
  /** Bot apps whose consent is checked (default 1). */
  botApps?: number;
  /** Read the accounts' APS mappings (bridge sync:batchGet; default true). */
  readSync?: boolean;
}

export interface RequestCount {
  /** Graph HTTP requests ($batch counts once). */
  graphRequests: number;
  /** Graph operations as throttling counts them ($batch sub-requests counted one by one). */
  graphOperations: number;
  bridgeRequests: number;
  /** graphRequests + bridgeRequests. */
  totalRequests: number;
}

export interface DriftReadPlan {
  /** Distinct UPN keys, in first-seen order. */
  endpoints: string[];
  /** UPN keys per Graph `$batch` request (user reads). */
  userBatches: string[][];
  /** Graph user reads (`$batch` sub-requests, one `$filter=id in (…)` each): what throttling counts. */
  userReads: number;
  /** UPN keys per bridge batchGet call. */
  instanceBatches: string[][];
  /** UPN keys per bridge sync:batchGet call (empty when readSync is false). */
  syncBatches: string[][];
  numberPages: number;
  consentReads: number;
  requests: RequestCount;
}

const limit = (v: number | undefined, max: number) =>
  v !== undefined && Number.isFinite(v) && v >= 1 ? Math.min(Math.floor(v), max) : max;

/** Groups the reads for these endpoints (UPNs; duplicates and case variants are read once). */
export function planDriftReads(upns: readonly string[], options: ReadPlanOptions = {}): DriftReadPlan {
  const endpoints = [...new Set(upns.filter((u) => typeof u === 'string' && u.trim() !== '').map(upnKey))];
  const perFilter = limit(options.userFilterSize, USER_FILTER_LIMIT);
  const userBatches = chunk(endpoints, perFilter * limit(options.graphBatchSize, GRAPH_BATCH_LIMIT));
  const userReads = userBatches.reduce((n, b) => n + Math.ceil(b.length / perFilter), 0);
  const bridgeBatch = limit(options.bridgeBatchSize, BRIDGE_BATCH_GET_LIMIT);
  const instanceBatches = chunk(endpoints, bridgeBatch);
  const syncBatches = options.readSync === false ? [] : chunk(endpoints, bridgeBatch);
  const inventory =
    options.inventorySize !== undefined && Number.isFinite(options.inventorySize) && options.inventorySize >= 0
      ? Math.floor(options.inventorySize)
      : endpoints.length;
  // One page even for an empty inventory: the read that says so.
  const numberPages = Math.max(1, Math.ceil(inventory / limit(options.numberPageSize, NUMBER_PAGE_SIZE)));
  const botApps =
    options.botApps !== undefined && Number.isFinite(options.botApps) ? Math.max(0, Math.floor(options.botApps)) : 1;
  const consentReads = botApps * CONSENT_READS_PER_APP;

  const graphRequests = userBatches.length + numberPages + consentReads;
  const graphOperations = userReads + numberPages + consentReads;
  const bridgeRequests = instanceBatches.length + syncBatches.length;
  return {
    endpoints,
    userBatches,
    userReads,
    instanceBatches,
    syncBatches,
    numberPages,
    consentReads,
    requests: { graphRequests, graphOperations, bridgeRequests, totalRequests: graphRequests + bridgeRequests },
  };
}

/** Requests a drift check of 1,000 endpoints costs (the figure the benchmark reports next to its measurement). */
export function expectedRequestsPer1000(options: ReadPlanOptions = {}): RequestCount {
  const upns = Array.from({ length: 1000 }, (_, i) => `endpoint${i}@plan.invalid`);
  return planDriftReads(upns, options).requests;
}
