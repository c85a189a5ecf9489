// The /_sim control API (no auth): health, state, faults, tokens, calls, agents, load, reset, settings.
import type { SimCore } from './core';
import { sendLifecycle, subscriptionsOf, subscriptionsView } from './graph/subscriptions';
import { SimError } from './calls/engine';
import { simCallView } from './calls/view';
import { mintApiToken } from './entra';
import { json, SimRequest, SimResponse } from './http';
import { parseLoadRequest } from './load';
import { delegatedScopes, GRAPH_APP_ID, grantedRoleNames, skuConsumedUnits, skuEnabledUnits, Tenant } from './model';
import { mergeFaults } from './settings';
import { isRecord, newId } from './util';

export function tenantState(core: SimCore, t: Tenant): Record<string, unknown> {
  const graph = t.apps.get(GRAPH_APP_ID)!;
  const now = Date.now();
  const bridge = [...t.apps.values()].find((a) => a.audience === 'api://teams-admin-bridge');
  return {
    tenantId: t.tenantId,
    domain: t.domains[0].id,
    domains: t.domains.map((d) => d.id),
    botAppId: t.botAppId,
    apps: [...t.apps.values()]
      .filter((a) => a.clientSecret)
      .map((a) => ({
        appId: a.appId,
        displayName: a.displayName,
        clientSecret: a.clientSecret,
        servicePrincipalId: a.servicePrincipalId,
        applicationPermissions: grantedRoleNames(t, a.servicePrincipalId, graph),
        delegatedPermissions: delegatedScopes(t, a.servicePrincipalId),
        bridgeRoles: bridge ? grantedRoleNames(t, a.servicePrincipalId, bridge) : [],
      })),
    applicationInstances: [...t.instances.values()].map((i) => {
      const u = t.users.get(i.objectId);
      return {
        objectId: i.objectId,
        userPrincipalName: u?.userPrincipalName ?? null,
        displayName: u?.displayName ?? null,
        applicationId: i.applicationId,
        syncedToAps: i.apsApplicationId !== null,
        apsApplicationId: i.apsApplicationId,
        phoneNumber: i.phoneNumber,
        replicated: (u?.visibleAt ?? 0) <= now,
      };
    }),
    users: [...t.users.values()].map((u) => ({
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      usageLocation: u.usageLocation,
      assignedLicenses: u.assignedLicenses.map((l) => ({ skuId: l.skuId, effective: l.effectiveAt <= now })),
      accountType: u.accountType,
      presence: t.presence.get(u.id),
    })),
    groups: [...t.groups.values()],
    subscribedSkus: t.skus.map((s) => ({
      skuId: s.skuId,
      skuPartNumber: s.skuPartNumber,
      prepaidUnits: { enabled: skuEnabledUnits(t, s) },
      consumedUnits: skuConsumedUnits(t, s.skuId),
    })),
    numbers: [...t.numbers.values()].map((n) => ({
      telephoneNumber: n.telephoneNumber,
      numberType: n.numberType,
      assignmentStatus: n.assignmentStatus,
      assignmentTargetId: n.assignmentTargetId,
      activationState: n.activationState,
      capabilities: n.capabilities,
    })),
    calls: core.calls.list(t.tenantId).map((c) => ({
      id: c.id,
      state: c.state,
      from: c.from,
      to: c.to,
      direction: c.direction,
      resourceAccountId: c.resourceAccountId,
      ...(c.answeredBy ? { answeredBy: c.answeredBy } : {}),
      ...(c.agentId ? { agentId: c.agentId } : {}),
      ...(c.endReason ? { endReason: c.endReason } : {}),
      ...(c.loadId ? { loadId: c.loadId } : {}),
    })),
  };
}

function bad(message: string, status = 400): SimResponse {
  return json(status, { error: message });
}

export function handleControl(core: SimCore, req: SimRequest, segs: string[], settings: () => object): SimResponse {
  const [a, b, c] = segs;
  const m = req.method;
  try {
    if (a === 'health' && m === 'GET') return json(200, { status: 'ok' });
    if (a === 'settings' && m === 'GET') return json(200, settings());
    if (a === 'state' && m === 'GET') {
      const only = req.query.get('tenantId');
      const tenants = [...core.tenants.values()]
        .filter((t) => !only || t.tenantId === only)
        .map((t) => tenantState(core, t));
      return json(200, {
        tenants,
        stats: { ...core.guard.stats },
        faults: core.faults,
        loads: [...core.loads.runs.values()],
      });
    }
    if (a === 'faults' && b === 'calls' && m === 'POST') return json(201, core.callFaults.add(req.body));
    if (a === 'faults' && b === 'calls' && m === 'GET') return json(200, core.callFaults.view());
    if (a === 'faults' && b === 'calls' && m === 'DELETE') {
      core.callFaults.reset();
      return json(200, { reset: true });
    }
    if (a === 'faults' && m === 'GET') return json(200, core.faults);
    if (a === 'faults' && m === 'POST') {
      core.setFaults(mergeFaults(core.faults, req.body ?? {}));
      return json(200, core.faults);
    }
    if (a === 'tokens' && m === 'POST') return mintApiToken(core, req.body);
    if (a === 'reset' && m === 'POST') {
      core.reset();
      return json(200, { reset: true });
    }
    if (a === 'calls' && m === 'POST' && !b) {
      const body = req.body;
      if (
        !isRecord(body) ||
        typeof body.tenantId !== 'string' ||
        typeof body.from !== 'string' ||
        typeof body.to !== 'string'
      ) {
        return bad('body must be {tenantId, from, to, dtmf?, patienceS?, handleTimeS?}');
      }
      const call = core.calls.place({
        tenantId: body.tenantId,
        from: body.from,
        to: body.to,
        dtmf: typeof body.dtmf === 'string' ? body.dtmf : undefined,
        patienceS: typeof body.patienceS === 'number' ? body.patienceS : undefined,
        handleTimeS: typeof body.handleTimeS === 'number' ? body.handleTimeS : undefined,
      });
      return json(201, {
        callId: call.id,
        state: call.state,
        resourceAccountId: call.resourceAccountId,
        botAppId: call.botAppId,
        webhookUrl: call.webhookUrl,
      });
    }
    if (a === 'calls' && b && c === 'hangup' && m === 'POST') {
      const call = core.calls.calls.get(b);
      if (!call || call.state === 'terminated') return bad(`no live call ${b}`, 404);
      core.calls.people.callerHangsUp(call);
      return json(200, { callId: b, state: call.state });
    }
    if (a === 'calls' && b && c === 'notifications' && m === 'GET') {
      const call = core.calls.calls.get(b);
      if (!call) return bad(`no call ${b}`, 404);
      return json(200, { callId: b, deliveries: call.deliveries });
    }
    if (a === 'calls' && !b && m === 'GET') {
      const tenantId = req.query.get('tenantId');
      const loadId = req.query.get('loadId');
      const views = [...core.calls.calls.values()]
        .filter((x) => (!tenantId || x.tenantId === tenantId) && (!loadId || x.loadId === loadId))
        .map(simCallView);
      return json(200, { calls: views });
    }
    if (a === 'calls' && b && !c && m === 'GET') {
      const call = core.calls.calls.get(b);
      if (!call) return bad(`no call ${b}`, 404);
      return json(200, simCallView(call));
    }
    if (a === 'agents' && b && c === 'legs' && m === 'GET') {
      const { tenant, user } = findUser(core, decodeURIComponent(b));
      if (!tenant || !user) return bad(`unknown user ${b}`, 404);
      return json(200, { id: user.id, legs: core.calls.people.legs.get(user.id) ?? [] });
    }
    if (a === 'subscriptions' && !b && m === 'GET') {
      const only = req.query.get('tenantId');
      const subscriptions = [...core.tenants.values()]
        .filter((t) => !only || t.tenantId === only)
        .flatMap((t) => subscriptionsView(t));
      return json(200, { subscriptions });
    }
    if (a === 'subscriptions' && b && c === 'lifecycle' && m === 'POST') {
      const event = isRecord(req.body) ? req.body.lifecycleEvent : undefined;
      if (event !== 'missed' && event !== 'reauthorizationRequired' && event !== 'subscriptionRemoved')
        return bad("body must be {lifecycleEvent: 'missed'|'reauthorizationRequired'|'subscriptionRemoved'}");
      for (const t of core.tenants.values()) {
        const s = subscriptionsOf(t).get(b);
        if (!s) continue;
        if (!sendLifecycle(core, s, event)) return bad(`subscription ${b} has no lifecycleNotificationUrl`, 409);
        if (event === 'subscriptionRemoved') subscriptionsOf(t).delete(b);
        return json(202, { subscriptionId: b, lifecycleEvent: event });
      }
      return bad(`no subscription ${b}`, 404);
    }
    if (a === 'agents' && b && (c === 'presence' || c === 'profile') && m === 'POST') {
      const { tenant, user } = findUser(core, decodeURIComponent(b));
      if (!tenant || !user) return bad(`unknown user ${b}`, 404);
      const body = isRecord(req.body) ? req.body : {};
      if (c === 'presence') {
        if (typeof body.availability !== 'string') return bad('body must be {availability, activity}');
        const p = {
          availability: body.availability,
          activity: typeof body.activity === 'string' ? body.activity : body.availability,
        };
        tenant.presence.set(user.id, p);
        return json(200, { id: user.id, ...p });
      }
      const profile = tenant.agentProfiles.get(user.id) ?? { answerDelayMs: 1500, answerProbability: 1 };
      if (typeof body.answerDelayMs === 'number') profile.answerDelayMs = body.answerDelayMs;
      if (typeof body.answerProbability === 'number') profile.answerProbability = body.answerProbability;
      for (const k of ['hangsUpAfterS', 'forwardToVoicemailAfterS'] as const) {
        const v = body[k];
        if (v === null) delete profile[k];
        else if (typeof v === 'number' && v >= 0) profile[k] = v;
        else if (v !== undefined) return bad(`'${k}' must be a number ≥ 0 (or null to clear)`);
      }
      tenant.agentProfiles.set(user.id, profile);
      return json(200, { id: user.id, ...profile });
    }
    if (a === 'groups' && !b && m === 'POST') return createGroup(core, req.body);
    if (a === 'callees' && b && !c && m === 'POST') {
      return json(200, core.calls.setCallee(decodeURIComponent(b), req.body));
    }
    if (a === 'keys' && b === 'rotate' && m === 'POST') {
      return json(200, { kid: core.calls.tokens.rotate() });
    }
    if (a === 'load' && m === 'POST' && !b) {
      const p = core.loads.start(parseLoadRequest(req.body));
      return json(202, { loadId: p.loadId, expectedCalls: p.expectedCalls, seed: p.seed });
    }
    if (a === 'load' && b && m === 'GET') {
      const p = core.loads.runs.get(b);
      return p ? json(200, p) : bad(`no load ${b}`, 404);
    }
  } catch (e) {
    if (e instanceof SimError) return bad(e.message, e.status);
    return bad((e as Error).message);
  }
  return bad(`no control route ${m} ${req.path}`, 404);
}

/**
 * `POST /_sim/groups {tenantId, displayName, members?: [UPN | user id | group id]}` → 201 the group: what an admin
 * does in the Entra admin center (the app only reads groups).
 */
function createGroup(core: SimCore, body: unknown): SimResponse {
  if (!isRecord(body) || typeof body.tenantId !== 'string' || typeof body.displayName !== 'string')
    return bad('body must be {tenantId, displayName, members?: [UPN | user id | group id]}');
  const tenant = core.tenants.get(body.tenantId);
  if (!tenant) return bad(`unknown tenant ${body.tenantId}`, 404);
  const members: string[] = [];
  for (const m of Array.isArray(body.members) ? body.members : []) {
    if (typeof m !== 'string') return bad('members must be strings');
    const id = tenant.groups.get(m)?.id ?? (tenant.users.get(m) ?? tenant.usersByUpn.get(m.toLowerCase()))?.id;
    if (!id) return bad(`no user or group ${m} in the tenant`, 404);
    members.push(id);
  }
  const group = {
    id: newId(),
    displayName: body.displayName,
    description: null,
    members,
    createdDateTime: new Date().toISOString(),
  };
  tenant.groups.set(group.id, group);
  return json(201, group);
}

/** A user by object id or UPN, in whichever tenant holds them. */
function findUser(core: SimCore, userId: string) {
  const tenant = [...core.tenants.values()].find((t) => t.users.has(userId) || t.usersByUpn.has(userId.toLowerCase()));
  const user = tenant?.users.get(userId) ?? tenant?.usersByUpn.get(userId.toLowerCase());
  return { tenant, user };
}
