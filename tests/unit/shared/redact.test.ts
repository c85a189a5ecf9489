/** Upstream error text is redacted and cut before it reaches a step log, a reply or a CSV (issue 17, item 8). */
import { MAX_ERROR_TEXT, redactErrorText } from '../../../shared/tenant/redact';

describe('redactErrorText', () => {
  test('bearer tokens, JWTs and secrets are redacted; UPNs are kept', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const text = `POST /users: 401 Authorization: Bearer abc.def-ghi token ${jwt} client_secret=s3cr3t "password":"p@ss" for cc-1@contoso.example`;
    const out = redactErrorText(text);
    expect(out).not.toContain('abc.def-ghi');
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('p@ss');
    expect(out).toContain('cc-1@contoso.example');
  });

  test('long text is cut', () => {
    expect(redactErrorText('x'.repeat(10_000)).length).toBe(MAX_ERROR_TEXT);
  });
});
