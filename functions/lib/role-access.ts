/**
 * What the role-assignment routes share (`…/roles/{role}/members[/{principalId}]`, issue 17 item 11): the role path
 * segment, and the service's refusals as problems naming the bad field.
 */
import type { HttpRequest } from '@azure/functions';
import { ASSIGNABLE_API_ROLES, assignableRole, type AssignableApiRole } from '../../shared/onboarding';
import { conflict, notFound } from '../../shared/http/problem';
import { HttpProblem, pathParam, validationProblem } from './api-handler';

/** The `{role}` segment: one of Switchboard's API roles (any case), else 400 naming `role`. */
export function roleParam(request: HttpRequest): AssignableApiRole {
  const raw = pathParam(request, 'role');
  const role = assignableRole(raw);
  if (!role) throw validationProblem([{ field: 'role', message: `must be one of ${ASSIGNABLE_API_ROLES.join(', ')}` }]);
  return role;
}

/** A refusal of the role service → 400 (bad id), 404 (no such principal / not assigned), 409 (no API app). */
export function roleRefusal(
  outcome:
    | { kind: 'invalid'; message: string }
    | { kind: 'notFound'; message: string }
    | { kind: 'notAssigned'; message: string }
    | { kind: 'noApiApp'; message: string },
): HttpProblem {
  switch (outcome.kind) {
    case 'invalid':
      return validationProblem([{ field: 'principalId', message: outcome.message }]);
    case 'notFound': {
      const p = notFound(`principalId: ${outcome.message}`);
      return new HttpProblem({ ...p, errors: [{ field: 'principalId', message: outcome.message }] });
    }
    case 'notAssigned':
      return new HttpProblem(notFound(outcome.message));
    case 'noApiApp':
      return new HttpProblem(conflict(outcome.message));
  }
}
