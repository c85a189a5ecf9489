/**
 * The onboarding API's body (`PUT /api/admin/tenants/{tenantId}`, issue 17 item 6): a tenant Switchboard serves, with
 * its daily quotas. Every field validated, every error named.
 */
import { z } from 'zod';
import type { FieldProblem } from '../http/problem';

/** Quotas a tenant gets when its record names none. */
export const DEFAULT_TENANT_QUOTAS = Object.freeze({ bulkRowsPerDay: 20_000, driftScansPerDay: 48 });

export const tenantQuotasSchema = z
  .object({
    bulkRowsPerDay: z.number().int().min(0).max(1_000_000).default(DEFAULT_TENANT_QUOTAS.bulkRowsPerDay),
    driftScansPerDay: z.number().int().min(0).max(10_000).default(DEFAULT_TENANT_QUOTAS.driftScansPerDay),
  })
  .strict();

export const tenantBodySchema = z
  .object({
    displayName: z.string().trim().min(1).max(256).optional(),
    quotas: tenantQuotasSchema.default(DEFAULT_TENANT_QUOTAS),
  })
  .strict();

export type TenantBody = z.infer<typeof tenantBodySchema>;
export type TenantQuotas = z.infer<typeof tenantQuotasSchema>;
export type QuotaKind = keyof TenantQuotas;

/** zod issue paths as the API names fields: `quotas.bulkRowsPerDay`, `agents[2].userPrincipalName`. */
export function fieldOf(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
      '',
    ) || 'body'
  );
}

export function parseTenantBody(
  body: unknown,
): { ok: true; value: TenantBody } | { ok: false; errors: FieldProblem[] } {
  const parsed = tenantBodySchema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: parsed.error.issues.map((i) => ({ field: fieldOf(i.path), message: i.message })) };
}
