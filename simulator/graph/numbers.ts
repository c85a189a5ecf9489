// Teams phone number management: numberAssignments list, assignNumber / unassignNumber as long-running
// operations (202 + Location), operation polling.
import { SimResponse, json } from '../http';
import { NumberOperation, NumberType, PhoneNumber, SKU, Tenant } from '../model';
import type { SimCore } from '../core';
import { isRecord, newId } from '../util';
import { compileFilter, page } from './odata';
import { GraphCtx, GraphFailure, GraphRoute, badRequest, context } from './router';

const READ = ['TeamsTelephoneNumber.Read.All', 'TeamsTelephoneNumber.ReadWrite.All'];
const WRITE = ['TeamsTelephoneNumber.ReadWrite.All'];
const BASE = '/admin/teams/telephoneNumberManagement';
const NUMBER_TYPES: NumberType[] = ['callingPlan', 'directRouting', 'operatorConnect'];

export function numberView(n: PhoneNumber): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.teamsAdministration.numberAssignment',
    id: n.id,
    telephoneNumber: n.telephoneNumber,
    operatorId: n.operatorId,
    numberType: n.numberType,
    activationState: n.activationState,
    capabilities: n.capabilities,
    locationId: n.locationId,
    civicAddressId: n.civicAddressId,
    networkSiteId: n.networkSiteId,
    assignmentTargetId: n.assignmentTargetId,
    assignmentCategory: n.assignmentCategory,
    portInStatus: n.portInStatus,
    assignmentStatus: n.assignmentStatus,
    isoCountryCode: n.isoCountryCode,
    city: n.city,
    numberSource: n.numberSource,
    supportedCustomerActions: n.assignmentStatus === 'unassigned' ? ['assign', 'release'] : ['unassign'],
    reverseNumberLookupOptions: [],
  };
}

const FILTERABLE = [
  'telephoneNumber',
  'operatorId',
  'numberType',
  'activationState',
  'locationId',
  'civicAddressId',
  'networkSiteId',
  'assignmentTargetId',
  'assignmentCategory',
  'portInStatus',
  'assignmentStatus',
  'isoCountryCode',
  'numberSource',
];

function listNumbers(ctx: GraphCtx): SimResponse {
  let list = [...ctx.tenant.numbers.values()];
  const filter = ctx.req.query.get('$filter');
  if (filter) {
    const pred = compileFilter(filter, FILTERABLE);
    list = list.filter((n) => pred(n as unknown as Record<string, unknown>));
  }
  const p = page(list, ctx.req.query, `${ctx.root}${BASE}/numberAssignments`, 500, 1000, 'skip');
  const body: Record<string, unknown> = { '@odata.context': context(ctx, `${BASE.slice(1)}/numberAssignments`) };
  if (p.nextLink) body['@odata.nextLink'] = p.nextLink;
  body.value = p.items.map(numberView);
  return json(200, body);
}

function getNumber(ctx: GraphCtx): SimResponse {
  const id = ctx.params[0];
  const n = [...ctx.tenant.numbers.values()].find((x) => x.id === id || x.telephoneNumber === id);
  if (!n) throw new GraphFailure(404, 'NotFound', `Number assignment '${id}' was not found.`);
  return json(200, { '@odata.context': context(ctx, `${BASE.slice(1)}/numberAssignments/$entity`), ...numberView(n) });
}

function parseBody(
  ctx: GraphCtx,
  needTarget: boolean,
): { telephoneNumber: string; numberType: NumberType; target: string | null; n: PhoneNumber } {
  const b = ctx.req.body;
  if (!isRecord(b) || typeof b.telephoneNumber !== 'string' || typeof b.numberType !== 'string') {
    throw badRequest('The request body must contain telephoneNumber and numberType.', 'BadRequest');
  }
  if (needTarget && typeof b.assignmentTargetId !== 'string') {
    throw badRequest('The request body must contain assignmentTargetId.', 'BadRequest');
  }
  if (!NUMBER_TYPES.includes(b.numberType as NumberType)) {
    throw badRequest(
      `Invalid numberType '${b.numberType}'. Expected directRouting, callingPlan or operatorConnect.`,
      'BadRequest',
    );
  }
  const tn = b.telephoneNumber.startsWith('tel:') ? b.telephoneNumber.slice(4) : b.telephoneNumber;
  if (!/^\+[1-9]\d{6,14}$/.test(tn))
    throw badRequest(`'${b.telephoneNumber}' is not a valid E.164 telephone number.`, 'BadRequest');
  const n = ctx.tenant.numbers.get(tn);
  if (!n)
    throw new GraphFailure(404, 'NotFound', `The telephone number '${tn}' was not found in the tenant's inventory.`);
  if (n.numberType !== b.numberType) {
    throw badRequest(`The telephone number '${tn}' is of type ${n.numberType}, not ${b.numberType}.`, 'BadRequest');
  }
  return {
    telephoneNumber: tn,
    numberType: n.numberType,
    target: typeof b.assignmentTargetId === 'string' ? b.assignmentTargetId : null,
    n,
  };
}

function startOperation(ctx: GraphCtx, op: NumberOperation, complete: () => string | null): SimResponse {
  const { core, tenant } = ctx;
  tenant.operations.set(op.id, op);
  const ms = core.faults.numberOperationMs;
  core.timers.after(ms / 2, () => {
    if (op.status === 'notStarted') op.status = 'running';
  });
  core.timers.after(ms, () => {
    const failure = complete();
    op.status = failure ? 'failed' : 'succeeded';
    op.statusDetail = failure;
  });
  return {
    status: 202,
    headers: { location: `${ctx.root}${BASE}/operations('${op.id}')`, 'content-length': '0' },
  };
}

function newOp(kind: NumberOperation['kind'], n: PhoneNumber, core: SimCore): NumberOperation {
  const now = Date.now();
  return {
    id: newId(),
    createdDateTime: new Date(now).toISOString(),
    createdAt: now,
    completesAt: now + core.faults.numberOperationMs,
    status: 'notStarted',
    kind,
    telephoneNumber: n.telephoneNumber,
    numberId: n.id,
    statusDetail: null,
  };
}

/** Why a number cannot go on `targetId` right now, or null. Evaluated when the operation completes. */
export function assignmentProblem(core: SimCore, tenant: Tenant, n: PhoneNumber, targetId: string): string | null {
  const user = core.visibleUser(tenant, targetId);
  if (!user) return `The user '${targetId}' is not found.`;
  const isResource = user.accountType === 'resourceAccount';
  const wanted: string[] = isResource ? [SKU.resourceAccount.skuId, SKU.teamsPhone.skuId] : [SKU.teamsPhone.skuId];
  const lic = user.assignedLicenses.find((l) => wanted.includes(l.skuId));
  if (!lic) {
    return `The user '${targetId}' is not licensed for Teams Phone (${isResource ? 'MCOEV_VIRTUALUSER' : 'MCOEV'}); the phone number cannot be assigned.`;
  }
  // right after licensing Teams does not know the account yet
  if (lic.effectiveAt > Date.now()) return `The user '${targetId}' is not found.`;
  const capability = isResource ? 'voiceApplicationAssignment' : 'userAssignment';
  if (!n.capabilities.includes(capability)) {
    return `The telephone number '${n.telephoneNumber}' cannot be assigned to this ${isResource ? 'resource account' : 'user'}: its capabilities are ${n.capabilities.join(', ')}.`;
  }
  if (n.assignmentTargetId && n.assignmentTargetId !== targetId) {
    return `The telephone number '${n.telephoneNumber}' has already been assigned to another user.`;
  }
  for (const other of tenant.numbers.values()) {
    if (other !== n && other.assignmentTargetId === targetId && isResource) {
      return `The resource account '${targetId}' already has the phone number '${other.telephoneNumber}' assigned.`;
    }
  }
  return null;
}

function assignNumber(ctx: GraphCtx): SimResponse {
  const { n, target } = parseBody(ctx, true);
  const { core, tenant } = ctx;
  const before = { activationState: n.activationState };
  if (!n.assignmentTargetId) n.activationState = 'assignmentPending';
  const op = newOp('assign', n, core);
  return startOperation(ctx, op, () => {
    const problem = assignmentProblem(core, tenant, n, target!);
    if (problem) {
      if (!n.assignmentTargetId) n.activationState = before.activationState;
      return problem;
    }
    const user = tenant.users.get(target!)!;
    n.assignmentTargetId = user.id;
    n.assignmentStatus = user.accountType === 'resourceAccount' ? 'voiceApplicationAssigned' : 'userAssigned';
    n.assignmentCategory = 'primary';
    n.activationState = 'activated';
    const inst = tenant.instances.get(user.id);
    if (inst) inst.phoneNumber = `tel:${n.telephoneNumber}`;
    return null;
  });
}

function unassignNumber(ctx: GraphCtx): SimResponse {
  const { n } = parseBody(ctx, false);
  const { core, tenant } = ctx;
  const op = newOp('unassign', n, core);
  return startOperation(ctx, op, () => {
    if (!n.assignmentTargetId) return `The telephone number '${n.telephoneNumber}' is not assigned.`;
    const inst = tenant.instances.get(n.assignmentTargetId);
    if (inst && inst.phoneNumber === `tel:${n.telephoneNumber}`) inst.phoneNumber = null;
    n.assignmentTargetId = null;
    n.assignmentStatus = 'unassigned';
    n.assignmentCategory = null;
    n.activationState = 'activated';
    return null;
  });
}

export function operationView(ctx: { root: string }, op: NumberOperation): Record<string, unknown> {
  return {
    id: op.id,
    createdDateTime: op.createdDateTime,
    status: op.status,
    numbers: [
      {
        resourceLocation: `${ctx.root}${BASE}/numberAssignments/${op.numberId}`,
        status: op.status,
        statusDetail: op.statusDetail,
      },
    ],
  };
}

function getOperation(ctx: GraphCtx): SimResponse {
  const id = ctx.params[0];
  const op = ctx.tenant.operations.get(id);
  if (!op) throw new GraphFailure(404, 'NotFound', `Operation '${id}' was not found.`);
  return json(200, {
    '@odata.context': context(ctx, `${BASE.slice(1)}/operations/$entity`),
    ...operationView(ctx, op),
  });
}

export function numberRoutes(): GraphRoute[] {
  return [
    {
      method: 'GET',
      re: /^\/admin\/teams\/telephoneNumberManagement\/numberAssignments\/?$/,
      perms: READ,
      handler: listNumbers,
    },
    {
      method: 'POST',
      re: /^\/admin\/teams\/telephoneNumberManagement\/numberAssignments\/assignNumber$/,
      perms: WRITE,
      handler: assignNumber,
    },
    {
      method: 'POST',
      re: /^\/admin\/teams\/telephoneNumberManagement\/numberAssignments\/unassignNumber$/,
      perms: WRITE,
      handler: unassignNumber,
    },
    {
      method: 'GET',
      re: /^\/admin\/teams\/telephoneNumberManagement\/numberAssignments\/([^/]+)$/,
      perms: READ,
      handler: getNumber,
    },
    {
      method: 'GET',
      re: /^\/admin\/teams\/telephoneNumberManagement\/operations\('([^']+)'\)$/,
      perms: READ,
      handler: getOperation,
    },
    {
      method: 'GET',
      re: /^\/admin\/teams\/telephoneNumberManagement\/operations\/([^/]+)$/,
      perms: READ,
      handler: getOperation,
    },
  ];
}
