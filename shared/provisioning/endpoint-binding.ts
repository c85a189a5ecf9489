/**
 * Rebinding an endpoint to a menu or a call queue (`PATCH /api/tenants/{t}/endpoints/{upn}` `{menuId}|{queueId}`):
 * the binding lives only in Switchboard (where the call router sends a call that arrives on the resource account), so
 * it changes the desired and the actual state at once, without reprovisioning. The other binding is cleared.
 */
import type { EndpointRecord } from '../domain';
import type { EndpointsRepository } from './endpoints.repository';

export type EndpointBinding = { menuId: string } | { queueId: string };

export async function rebindEndpoint(
  endpoints: Pick<EndpointsRepository, 'update'>,
  tenantId: string,
  upn: string,
  binding: EndpointBinding,
  now: Date = new Date(),
): Promise<EndpointRecord | undefined> {
  const set = <T extends { queueId?: string; menuId?: string }>(o: T): T => {
    const { queueId: _q, menuId: _m, ...rest } = o;
    return { ...rest, ...binding } as T;
  };
  return endpoints.update(tenantId, upn, (cur) =>
    cur
      ? {
          ...cur,
          desired: set(cur.desired),
          ...(cur.actual ? { actual: set(cur.actual) } : {}),
          updatedAt: now.toISOString(),
        }
      : undefined,
  );
}
