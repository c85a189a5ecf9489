/**
 * Drift: comparing what Switchboard provisioned with what the tenant now holds, as pure functions over data.
 * Observed facts are value / absent / unknown; an unknown fact is never drift. The caller reads (planned by
 * read-plan.ts), compares (compare.ts), and upserts what lifecycle.ts returns: drift.service.ts, over the tables of
 * drift.repository.ts.
 */
export * from './observed';
export * from './kinds';
export * from './compare';
export * from './lifecycle';
export * from './read-plan';
export * from './drift.repository';
export * from './drift-endpoints.port';
export * from './drift.service';
export * from './scope';
