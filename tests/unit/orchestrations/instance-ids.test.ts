/** Durable instance ids of endpoint workflows: from a hash, so `#` and long UPNs are safe (issue 17, item 2). */
import {
  deprovisionInstanceId,
  legacyInstanceId,
  provisionInstanceId,
} from '../../../orchestrations/provisioning/instance-ids';

const TENANT = '7f3c2a10-5b6d-4e8f-9a01-23456789abcd';

describe('endpoint instance ids', () => {
  test('UPNs that differ after a # get different ids (the legacy ids were cut at the #)', () => {
    expect(provisionInstanceId(TENANT, 'q#1@x.example')).not.toBe(provisionInstanceId(TENANT, 'q#2@x.example'));
    expect(provisionInstanceId(TENANT, 'q#1@x.example')).not.toContain('#');
    expect(legacyInstanceId('provision', TENANT, 'q#1@x.example').split('#')[0]).toBe(
      legacyInstanceId('provision', TENANT, 'q#2@x.example').split('#')[0],
    );
  });

  test('the longest UPN stays under the 100-character limit', () => {
    const upn = `${'a'.repeat(64)}@${'b'.repeat(40)}.example`;
    expect(deprovisionInstanceId(TENANT, upn).length).toBeLessThan(100);
    expect(provisionInstanceId(TENANT, upn).length).toBeLessThan(100);
  });

  test('tenant and kind are part of the id; case does not matter', () => {
    expect(provisionInstanceId(TENANT, 'a@x.example')).not.toBe(deprovisionInstanceId(TENANT, 'a@x.example'));
    expect(provisionInstanceId(TENANT, 'a@x.example')).not.toBe(
      provisionInstanceId('00000000-0000-0000-0000-000000000001', 'a@x.example'),
    );
    expect(provisionInstanceId(TENANT.toUpperCase(), 'A@X.example')).toBe(provisionInstanceId(TENANT, 'a@x.example'));
  });
});
