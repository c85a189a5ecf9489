// The Teams admin bridge: the application-instance cmdlets Graph lacks, as a small JSON contract
// (docs/teams-admin-bridge.md). Production serves it from PowerShell; here it acts on the simulated tenant.
import type { SimCore } from './core';
import { bearer, json, SimRequest, SimResponse } from './http';
import { ApplicationInstance, BRIDGE_AUDIENCE, BRIDGE_ROLE, Tenant, User, verifiedDomain } from './model';
import { EMPTY_GUID, GUID_RE, isRecord, newId } from './util';

type Code =
  | 'NotFound'
  | 'AlreadyExists'
  | 'InvalidDomain'
  | 'BadRequest'
  | 'Throttled'
  | 'ServiceUnavailable'
  | 'Conflict'
  | 'Unauthorized'
  | 'Forbidden';
const STATUS: Record<Code, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  InvalidDomain: 400,
  BadRequest: 400,
  Throttled: 429,
  ServiceUnavailable: 503,
  Conflict: 409,
  Unauthorized: 401,
  Forbidden: 403,
};

const NEW = 'New-CsOnlineApplicationInstance';
const GET = 'Get-CsOnlineApplicationInstance';
const SYNC = 'Sync-CsOnlineApplicationInstance';
const SET = 'Set-CsOnlineApplicationInstance';
/** The batch read of APS mappings reports the cmdlet of the single read (GET …/sync), as the production bridge does. */
const GET_SYNC = SYNC;
const SYNC_BATCH_GET = 'sync:batchGet';

function fail(code: Code, message: string, cmdlet: string | null, headers?: Record<string, string>): SimResponse {
  return json(STATUS[code], { error: { code, message, cmdlet } }, headers);
}

export function instanceView(tenant: Tenant, user: User, inst: ApplicationInstance): Record<string, unknown> {
  return {
    objectId: inst.objectId,
    tenantId: tenant.tenantId,
    userPrincipalName: user.userPrincipalName,
    applicationId: inst.applicationId,
    displayName: user.displayName,
    phoneNumber: inst.phoneNumber,
  };
}

function cmdletFor(method: string, rest: string[]): string {
  if (rest[rest.length - 1] === 'sync') return SYNC;
  if (method === 'POST' && rest.length <= 1) return NEW;
  if (method === 'PATCH') return SET;
  return GET;
}

/** Handles /bridge/tenants/{tenantId}/applicationInstances… */
export function handleBridge(core: SimCore, req: SimRequest, segs: string[]): SimResponse {
  // segs after 'bridge': ['tenants', tid, 'applicationInstances' | 'applicationInstances:batchGet', ...]
  if (segs[0] !== 'tenants' || !segs[1] || !segs[2]) return fail('NotFound', `No bridge route for ${req.path}.`, null);
  const tenantId = segs[1];
  const collection = segs[2];
  const rest = segs.slice(3).map((s) => decodeURIComponent(s));
  const syncBatch = collection === 'applicationInstances' && rest.length === 1 && rest[0] === SYNC_BATCH_GET;
  const cmdlet =
    collection === 'applicationInstances:batchGet' ? GET : syncBatch ? GET_SYNC : cmdletFor(req.method, rest);

  const auth = core.verifyToken(bearer(req), [BRIDGE_AUDIENCE]);
  if (!auth.ok) return fail('Unauthorized', auth.reason, cmdlet, { 'www-authenticate': 'Bearer' });
  const roles = Array.isArray(auth.claims.roles) ? auth.claims.roles : [];
  if (auth.claims.tid !== tenantId)
    return fail('Forbidden', `The token was issued for tenant '${auth.claims.tid}', not '${tenantId}'.`, cmdlet);
  if (!roles.includes(BRIDGE_ROLE))
    return fail('Forbidden', `The caller does not hold the app role ${BRIDGE_ROLE}.`, cmdlet);
  const tenant = core.tenants.get(tenantId)!;

  const decision = core.guard.check(`bridge|${tenantId}|${String(auth.claims.appid)}`, req.connection);
  if (decision.kind === 'throttled') {
    return fail(
      'Throttled',
      'The request was throttled. Please retry after the time in the Retry-After header.',
      cmdlet,
      {
        'retry-after': String(decision.retryAfter),
      },
    );
  }
  if (decision.kind === 'unavailable') {
    return fail('ServiceUnavailable', 'Service is unavailable. Please try again.', cmdlet, {
      'retry-after': String(decision.retryAfter),
    });
  }

  if (collection === 'applicationInstances:batchGet' && req.method === 'POST' && rest.length === 0)
    return batchGet(core, tenant, req);
  if (collection !== 'applicationInstances') return fail('NotFound', `No bridge route for ${req.path}.`, null);
  if (syncBatch && req.method === 'POST') return syncBatchGet(core, tenant, req);
  if (rest.length === 0 && req.method === 'POST') return create(core, tenant, req);
  if (rest.length === 1 && req.method === 'GET') return get(core, tenant, rest[0]);
  if (rest.length === 1 && req.method === 'PATCH') return patch(core, tenant, rest[0], req);
  if (rest.length === 2 && rest[1] === 'sync' && req.method === 'POST') return sync(core, tenant, rest[0], req);
  if (rest.length === 2 && rest[1] === 'sync' && req.method === 'GET') return readSync(core, tenant, rest[0]);
  return fail('BadRequest', `Unsupported method ${req.method} for ${req.path}.`, cmdlet);
}

/** An instance visible to the Teams cmdlets (replication delay honoured). */
function visibleInstance(
  core: SimCore,
  tenant: Tenant,
  identity: string,
): { user: User; inst: ApplicationInstance } | undefined {
  const user = core.visibleUser(tenant, identity);
  if (!user) return undefined;
  const inst = tenant.instances.get(user.id);
  return inst ? { user, inst } : undefined;
}

function notFound(identity: string, cmdlet: string): SimResponse {
  return fail('NotFound', `Management object not found for identity "${identity}".`, cmdlet);
}

function create(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse {
  const b = req.body;
  if (
    !isRecord(b) ||
    typeof b.userPrincipalName !== 'string' ||
    typeof b.displayName !== 'string' ||
    typeof b.applicationId !== 'string'
  ) {
    return fail(
      'BadRequest',
      'Cannot bind argument: userPrincipalName, displayName and applicationId are required.',
      NEW,
    );
  }
  const upn = b.userPrincipalName.trim();
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(upn))
    return fail('BadRequest', `'${upn}' is not a valid UserPrincipalName.`, NEW);
  if (!GUID_RE.test(b.applicationId))
    return fail('BadRequest', `Cannot convert value "${b.applicationId}" to type "System.Guid".`, NEW);
  if (!b.displayName.trim()) return fail('BadRequest', 'DisplayName cannot be empty.', NEW);
  if (!verifiedDomain(tenant, upn)) {
    return fail(
      'InvalidDomain',
      'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
      NEW,
    );
  }
  if (tenant.usersByUpn.has(upn.toLowerCase())) {
    return fail(
      'AlreadyExists',
      'Another object with the same value for property userPrincipalName already exists.',
      NEW,
    );
  }
  const now = Date.now();
  const user: User = {
    id: newId(),
    userPrincipalName: upn,
    displayName: b.displayName,
    givenName: null,
    surname: null,
    mail: null,
    accountEnabled: false,
    usageLocation: null,
    assignedLicenses: [],
    accountType: 'resourceAccount',
    createdDateTime: new Date(now).toISOString(),
    visibleAt: now + core.faults.replicationDelayMs,
  };
  const blank =
    core.faults.blankApplicationIdProbability > 0 && Math.random() < core.faults.blankApplicationIdProbability;
  const inst: ApplicationInstance = {
    objectId: user.id,
    applicationId: blank ? null : b.applicationId.toLowerCase(),
    apsApplicationId: null,
    phoneNumber: null,
  };
  tenant.users.set(user.id, user);
  tenant.usersByUpn.set(upn.toLowerCase(), user);
  tenant.instances.set(user.id, inst);
  return json(201, instanceView(tenant, user, inst));
}

function get(core: SimCore, tenant: Tenant, identity: string): SimResponse {
  const found = visibleInstance(core, tenant, identity);
  if (!found) return notFound(identity, GET);
  return json(200, instanceView(tenant, found.user, found.inst));
}

function batchGet(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse {
  const b = req.body;
  if (!isRecord(b) || !Array.isArray(b.identities) || !b.identities.every((i) => typeof i === 'string')) {
    return fail('BadRequest', 'Body must be {identities: [upn | objectId, …]}.', GET);
  }
  if (b.identities.length > 100) return fail('BadRequest', 'At most 100 identities per batchGet.', GET);
  const value: Record<string, unknown>[] = [];
  const notFoundList: string[] = [];
  for (const id of b.identities as string[]) {
    const found = visibleInstance(core, tenant, id);
    if (found) value.push(instanceView(tenant, found.user, found.inst));
    else notFoundList.push(id);
  }
  return json(200, { value, notFound: notFoundList });
}

/** The APS mappings of up to 100 accounts in one request (drift scans): `{value:[{objectId, applicationId, synced}], notFound}`. */
function syncBatchGet(core: SimCore, tenant: Tenant, req: SimRequest): SimResponse {
  const b = req.body;
  if (!isRecord(b) || !Array.isArray(b.identities) || !b.identities.every((i) => typeof i === 'string')) {
    return fail('BadRequest', 'Body must be {identities: [objectId, …]}.', GET_SYNC);
  }
  if (b.identities.length > 100) return fail('BadRequest', 'At most 100 identities per sync:batchGet.', GET_SYNC);
  const value: Record<string, unknown>[] = [];
  const notFoundList: string[] = [];
  for (const id of b.identities as string[]) {
    const found = visibleInstance(core, tenant, id);
    if (!found) {
      notFoundList.push(id);
      continue;
    }
    value.push({
      objectId: found.inst.objectId,
      applicationId: found.inst.apsApplicationId,
      synced: found.inst.apsApplicationId !== null,
    });
  }
  return json(200, { value, notFound: notFoundList });
}

function sync(core: SimCore, tenant: Tenant, identity: string, req: SimRequest): SimResponse {
  const found = visibleInstance(core, tenant, identity);
  if (!found) return fail('NotFound', `Application instance with ObjectId '${identity}' was not found.`, SYNC);
  const b = isRecord(req.body) ? req.body : {};
  if (b.applicationId !== undefined && (typeof b.applicationId !== 'string' || !GUID_RE.test(b.applicationId))) {
    return fail('BadRequest', `Cannot convert value "${String(b.applicationId)}" to type "System.Guid".`, SYNC);
  }
  const appId = typeof b.applicationId === 'string' ? b.applicationId.toLowerCase() : found.inst.applicationId;
  if (!appId || appId === EMPTY_GUID) {
    return fail('BadRequest', 'Failed to update application instance in APS: the instance has no ApplicationId.', SYNC);
  }
  if (found.inst.apsApplicationId)
    return fail('AlreadyExists', 'An item with the same key has already been added.', SYNC);
  found.inst.apsApplicationId = appId;
  return json(200, { objectId: found.inst.objectId, applicationId: appId, synced: true });
}

function readSync(core: SimCore, tenant: Tenant, identity: string): SimResponse {
  const found = visibleInstance(core, tenant, identity);
  if (!found) return fail('NotFound', `Application instance with ObjectId '${identity}' was not found.`, SYNC);
  return json(200, {
    objectId: found.inst.objectId,
    applicationId: found.inst.apsApplicationId,
    synced: found.inst.apsApplicationId !== null,
  });
}

function patch(core: SimCore, tenant: Tenant, identity: string, req: SimRequest): SimResponse {
  const found = visibleInstance(core, tenant, identity);
  if (!found) return notFound(identity, SET);
  const b = req.body;
  if (!isRecord(b)) return fail('BadRequest', 'Body must be a JSON object.', SET);
  const { user, inst } = found;
  if (b.applicationId !== undefined && (typeof b.applicationId !== 'string' || !GUID_RE.test(b.applicationId))) {
    return fail('BadRequest', `Cannot convert value "${String(b.applicationId)}" to type "System.Guid".`, SET);
  }
  if (b.displayName !== undefined && (typeof b.displayName !== 'string' || !b.displayName.trim())) {
    return fail('BadRequest', 'DisplayName cannot be empty.', SET);
  }
  let phone: string | null | undefined;
  if (b.onpremPhoneNumber !== undefined) {
    if (b.onpremPhoneNumber === null || b.onpremPhoneNumber === '') phone = null;
    else if (typeof b.onpremPhoneNumber === 'string' && /^(tel:)?\+[1-9]\d{6,14}$/.test(b.onpremPhoneNumber)) {
      phone = b.onpremPhoneNumber.replace(/^tel:/, '');
      const n = tenant.numbers.get(phone);
      if (n && n.assignmentTargetId && n.assignmentTargetId !== user.id) {
        return fail('Conflict', `The number '${phone}' has already been assigned to another user.`, SET);
      }
    } else return fail('BadRequest', `'${String(b.onpremPhoneNumber)}' is not a valid phone number.`, SET);
  }
  if (typeof b.applicationId === 'string') {
    const next = b.applicationId.toLowerCase();
    // a new binding (or the empty GUID) invalidates the APS mapping; it must be synced again
    if (next === EMPTY_GUID) {
      inst.applicationId = null;
      inst.apsApplicationId = null;
    } else if (next !== inst.applicationId) {
      inst.applicationId = next;
      inst.apsApplicationId = null;
    }
  }
  if (typeof b.displayName === 'string') user.displayName = b.displayName;
  if (phone !== undefined) {
    for (const n of tenant.numbers.values()) {
      if (n.assignmentTargetId === user.id && n.numberType === 'directRouting') {
        n.assignmentTargetId = null;
        n.assignmentStatus = 'unassigned';
        n.assignmentCategory = null;
      }
    }
    inst.phoneNumber = phone ? `tel:${phone}` : null;
    const n = phone ? tenant.numbers.get(phone) : undefined;
    if (n) {
      n.assignmentTargetId = user.id;
      n.assignmentStatus = 'voiceApplicationAssigned';
      n.assignmentCategory = 'primary';
    }
  }
  return json(200, instanceView(tenant, user, inst));
}
