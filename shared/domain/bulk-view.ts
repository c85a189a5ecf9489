/**
 * The bulk API's replies, as `POST /api/tenants/{tenantId}/bulk` and `GET …/bulk/{batchId}` return them: one shape for
 * the service that builds them, the CLI that prints them and the tests and benchmark that read them.
 */
import type { FieldError } from './endpoint-request';

/** A row's state; `Rejected` rows were refused up front and never run. */
export type BulkRowStatusView = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Cancelled' | 'Rejected';

export interface BulkRowView {
  row: number;
  line?: number;
  userPrincipalName?: string;
  displayName?: string;
  phoneNumber?: string;
  numberType?: string;
  queueId?: string;
  status: BulkRowStatusView;
  error?: string;
  errors?: FieldError[];
  /** The provisioning run that worked on the row. */
  runId?: string;
  objectId?: string;
  startedAt?: string;
  endedAt?: string;
}

export type BulkBatchStateView = 'Accepted' | 'Queued' | 'Running' | 'Completed' | 'Cancelled';

export interface BulkStatusView {
  batchId: string;
  total: number;
  accepted: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  rejected: number;
  state: BulkBatchStateView;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  endedAt: string | null;
  ratePerMinute: number | null;
  etaMs: number | null;
  etaAt: string | null;
  percentComplete: number;
  rows?: BulkRowView[];
  continuationToken?: string;
}

/** The 202 of an upload: the batch, and every refused row with its reasons. */
export interface BulkSubmitView<State extends string = string> {
  batchId: string;
  accepted: number;
  rejected: { row: number; line?: number; errors: FieldError[] }[];
  total: number;
  state: State;
}
