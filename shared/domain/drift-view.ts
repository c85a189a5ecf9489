/**
 * The drift API's finding, as `GET /api/tenants/{tenantId}/drift` returns it: one shape for the service that builds
 * it, the CLI that prints it and the tests that read it.
 */
export interface DriftFindingView<Kind extends string = string> {
  subject: string;
  /** The endpoint's UPN (absent for consent findings, whose subject is `app:{applicationId}`). */
  userPrincipalName?: string;
  applicationId?: string;
  kind: Kind;
  status: 'open' | 'resolved';
  expected: unknown;
  actual: unknown;
  message: string;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  remediation: { mode: 'auto' | 'reportOnly'; runId?: string; startedAt?: string };
}
