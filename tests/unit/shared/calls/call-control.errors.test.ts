import { callControlError, readGraphError } from '../../../../shared/calls/call-control.graph';
import { CallControlError, CallGoneError, isCallGone } from '../../../../shared/calls/call-control.port';

const body = (error: unknown) => JSON.stringify({ error });

describe('readGraphError: the numeric calling code wherever Graph puts it', () => {
  it.each([
    [body({ code: '8522', message: 'Call not found.' }), 8522],
    [body({ code: 'BadRequest', message: 'x', innerError: { code: '7505' } }), 7505],
    [body({ code: 'UnknownError', message: 'Server Internal Error. DiagCode: 404#8522.@ Code: 8522' }), 8522],
    [body({ code: 'itemNotFound', message: "Call '1' was not found." }), undefined],
    ['<html>bad gateway</html>', undefined],
  ])('%s', (text, code) => {
    expect(readGraphError(text).resultCode).toBe(code);
  });
});

describe('callControlError: status and code → kind', () => {
  const op = 'POST /communications/calls/c/keepAlive';
  it('404 and 8522 are "call gone"', () => {
    const a = callControlError(op, 404, null, body({ code: 'itemNotFound', message: 'gone' }));
    expect(a).toBeInstanceOf(CallGoneError);
    expect(a).toMatchObject({ kind: 'callGone', status: 404, code: 'itemNotFound', operation: op });
    const b = callControlError(op, 400, null, body({ code: '8522', message: 'Call not found' }));
    expect(isCallGone(b)).toBe(true);
    expect(b.resultCode).toBe(8522);
  });

  it('429 / 503 with Retry-After are throttled with the wait; 500 retryable; 403 forbidden; 400 badRequest', () => {
    expect(callControlError(op, 429, '3', '')).toMatchObject({ kind: 'throttled', retryAfterMs: 3000 });
    expect(callControlError(op, 503, '2', '')).toMatchObject({ kind: 'throttled', retryAfterMs: 2000 });
    expect(callControlError(op, 503, null, '')).toMatchObject({ kind: 'retryable' });
    expect(callControlError(op, 500, null, '').retryable).toBe(true);
    const t = callControlError(op, 403, null, body({ code: '7505', message: 'tenant mismatch' }));
    expect(t).toMatchObject({ kind: 'forbidden', resultCode: 7505 });
    expect(t.message).toBe(`${op} failed: 403 7505: tenant mismatch`);
    const bad = callControlError(op, 400, null, body({ code: 'BadRequest', message: 'no' }));
    expect(bad).toBeInstanceOf(CallControlError);
    expect(bad.kind).toBe('badRequest');
    expect(bad.retryable).toBe(false);
    expect(JSON.parse(JSON.stringify(bad))).toMatchObject({ kind: 'badRequest', status: 400, code: 'BadRequest' });
  });
});
