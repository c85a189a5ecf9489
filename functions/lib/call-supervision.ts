/**
 * What the monitor / barge and recording pause / resume triggers share: the caller's scope as the supervision rules
 * see it (callQueueCaller: role, tenant, call queues), and each outcome as the API answers it — 202 when the request
 * did something, 200 when it was so already, 404 / 403 / 409 / 400 as problem+json.
 */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ApiRole } from '../../shared/auth';
import type { SupervisionCaller, SupervisionOutcome } from '../../shared/calls';
import { conflict, forbidden, notFound } from '../../shared/http/problem';
import { HttpProblem, json, pathParam, validationProblem } from './api-handler';
import { callQueueCaller } from './callqueue-access';

export async function supervisionCaller(
  request: HttpRequest,
  ...roles: ApiRole[]
): Promise<{ tenantId: string; callId: string; caller: SupervisionCaller }> {
  const who = await callQueueCaller(request, ...roles);
  const callId = pathParam(request, 'callId');
  const upn = who.principal.username;
  return {
    tenantId: who.tenantId,
    callId,
    caller: { ...who.scope, ...(upn ? { upn: upn.toLowerCase() } : {}) },
  };
}

export function supervisionResponse<T>(
  tenantId: string,
  callId: string,
  outcome: SupervisionOutcome<T>,
): HttpResponseInit {
  switch (outcome.kind) {
    case 'notFound':
      throw new HttpProblem(notFound(`No call ${callId} in tenant ${tenantId}.`));
    case 'forbidden':
      throw new HttpProblem(forbidden(outcome.detail));
    case 'conflict':
      throw new HttpProblem(conflict(outcome.detail));
    case 'invalid':
      throw validationProblem(outcome.errors);
    case 'done':
      return json(outcome.changed ? 202 : 200, outcome.view, {
        location: `/api/tenants/${tenantId}/calls/${encodeURIComponent(callId)}`,
      });
  }
}
