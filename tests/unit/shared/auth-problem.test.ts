import {
  AuthError,
  Principal,
  bearerToken,
  canManageQueue,
  issuerFor,
  requireQueueScope,
  requireRole,
  requireTenant,
  visibleQueues,
} from '../../../shared/auth';
import { badRequest, internalError, problemResponse, redact, tooManyRequests } from '../../../shared/http/problem';

const tid = '8f2c2a5e-5b8e-4f0e-9a43-0c5b1d3e7a11';
const who = (roles: string[], queues: string[] = []): Principal => ({ tenantId: tid, oid: 'o', roles, queues });

function authError(fn: () => void): AuthError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    return e as AuthError;
  }
  throw new Error('expected AuthError');
}

describe('authorisation helpers', () => {
  it('reads bearer tokens', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer x')).toBe('x');
    expect(authError(() => bearerToken(undefined))).toMatchObject({ status: 401, code: 'missing_token' });
    expect(authError(() => bearerToken('Basic a b'))).toMatchObject({ status: 401, code: 'invalid_token' });
  });
  it('substitutes the tenant into the issuer template', () => {
    expect(issuerFor('https://login.microsoftonline.com/{tenantId}/v2.0', tid)).toBe(
      `https://login.microsoftonline.com/${tid}/v2.0`,
    );
  });
  it('requires any one of the roles', () => {
    expect(() =>
      requireRole(who(['Switchboard.Supervisor']), 'Switchboard.Admin', 'Switchboard.Supervisor'),
    ).not.toThrow();
    expect(authError(() => requireRole(who(['Switchboard.Agent']), 'Switchboard.Admin'))).toMatchObject({
      status: 403,
    });
  });
  it('rejects another tenant with 403', () => {
    expect(() => requireTenant(who([]), tid.toUpperCase())).not.toThrow();
    expect(authError(() => requireTenant(who([]), '00000000-0000-0000-0000-000000000001'))).toMatchObject({
      status: 403,
      code: 'wrong_tenant',
    });
  });
  it('scopes supervisors to their queues; admins see all', () => {
    const sup = who(['Switchboard.Supervisor'], ['sales']);
    expect(canManageQueue(sup, 'sales')).toBe(true);
    expect(canManageQueue(sup, 'support')).toBe(false);
    expect(canManageQueue(who(['Switchboard.Agent'], ['sales']), 'sales')).toBe(false);
    expect(canManageQueue(who(['Switchboard.Admin']), 'support')).toBe(true);
    expect(authError(() => requireQueueScope(sup, 'support'))).toMatchObject({ code: 'queue_not_in_scope' });
    expect(visibleQueues(sup)).toEqual(['sales']);
    expect(visibleQueues(who(['Switchboard.Admin']))).toBeUndefined();
  });
});

describe('problem+json', () => {
  it('builds validation problems with field errors', () => {
    const r = problemResponse(badRequest('Fix the fields below.', [{ field: 'phoneNumber', message: 'is not valid' }]));
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.jsonBody).toEqual({
      type: 'https://switchboard.dev/problems/validation',
      title: 'The request is not valid',
      status: 400,
      detail: 'Fix the fields below.',
      errors: [{ field: 'phoneNumber', message: 'is not valid' }],
    });
  });
  it('never leaks tokens or secrets', () => {
    const leaked =
      'failed with Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln and AccountKey=abc123==;x and client_secret=shh&y=1';
    const out = redact(leaked);
    expect(out).not.toMatch(/eyJ|abc123|shh/);
    expect(tooManyRequests(leaked, 5)).toMatchObject({ status: 429, retryAfter: 5 });
    expect(JSON.stringify(tooManyRequests(leaked))).not.toContain('abc123');
    expect(internalError('c1')).toEqual(
      expect.objectContaining({ status: 500, correlationId: 'c1', detail: 'Something went wrong on our side.' }),
    );
  });
});
