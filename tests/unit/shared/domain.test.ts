import {
  BOT_APP_PERMISSIONS,
  GRAPH_APP_ROLE_IDS,
  GRAPH_APP_ROLE_NAMES,
  ISO_3166_ALPHA2,
  PROVISIONING_APP_PERMISSIONS,
  RESOURCE_ACCOUNT_SKU,
  adminConsentUrl,
  consentDiff,
  freeResourceAccountEntitlement,
  isE164,
  legacyAdminConsentUrl,
  needsResourceAccountLicense,
  normalizeGuid,
  parseAdminConsentRedirect,
  parseE164,
  parseUpn,
  parseUsageLocation,
  resourceAccountPool,
  upnKey,
} from '../../../shared/domain';

describe('UPN', () => {
  it('accepts alias@domain and lower-cases the domain and the key', () => {
    const r = parseUpn('  CC-Sales@Contoso.COM ');
    expect(r).toEqual({ ok: true, value: 'CC-Sales@contoso.com', key: 'cc-sales@contoso.com' });
    expect(upnKey('A@B.com')).toBe('a@b.com');
  });
  it.each([
    ['', 'is required'],
    ['no-at-sign', 'one alias and one domain'],
    ['a@b@c.com', 'one alias and one domain'],
    ['@contoso.com', 'before @'],
    ['x@', 'missing the domain'],
    ['x@localhost', 'invalid domain'],
    ['x@-bad.com', 'invalid domain'],
    ['.x@contoso.com', 'dot'],
    ['a..b@contoso.com', 'dot'],
    ['a b@contoso.com', 'may only use'],
    [`${'a'.repeat(65)}@contoso.com`, '64 characters'],
    [`a@${'b'.repeat(45)}.com`, '48 characters'],
  ])('rejects %j with a message containing %j', (input, msg) => {
    const r = parseUpn(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(msg);
  });
});

describe('E.164', () => {
  it.each([
    ['+14255550100', '+14255550100', 'US'],
    ['+1 (425) 555-0100', '+14255550100', 'US'],
    ['0044 20 7183 8750', '+442071838750', 'GB'],
    ['tel:+4915123456789', '+4915123456789', 'DE'],
  ])('normalises %j to %j', (input, value, country) => {
    expect(parseE164(input)).toEqual({ ok: true, value, country });
  });
  it.each([
    ['', 'empty'],
    ['4255550100', 'must start with +'],
    ['+1425555', 'not a valid number'],
    ['+15555550100', 'not a valid number'],
    ['+1425555010a', 'characters'],
    ['+1+4255550100', 'characters'],
    ['+1234567890123456', 'more than 15 digits'],
  ])('rejects %j (%s)', (input, msg) => {
    const r = parseE164(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(msg);
  });
  it('isE164 only holds for the canonical form', () => {
    expect(isE164('+14255550100')).toBe(true);
    expect(isE164('+1 425 555 0100')).toBe(false);
  });
});

describe('usage location', () => {
  it('knows the 249 ISO 3166-1 alpha-2 codes', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
    expect(parseUsageLocation('us')).toEqual({ ok: true, value: 'US' });
  });
  it('rejects non-codes and suggests GB for UK', () => {
    const uk = parseUsageLocation('UK');
    expect(uk.ok).toBe(false);
    if (!uk.ok) expect(uk.message).toContain('"GB"');
    for (const bad of ['USA', 'XX', '', 'U1']) expect(parseUsageLocation(bad).ok).toBe(false);
  });
});

describe('GUIDs', () => {
  it('normalises to lower case and rejects others', () => {
    expect(normalizeGuid(' 440EAAA8-B3E0-484B-A8BE-62870B9BA70A ')).toBe(RESOURCE_ACCOUNT_SKU.skuId);
    expect(normalizeGuid('440eaaa8-b3e0-484b-a8be-62870b9ba70')).toBeUndefined();
  });
});

describe('resource-account licence pool', () => {
  it.each([
    [0, 25],
    [9, 25],
    [10, 26],
    [600, 85],
    [-5, 25],
  ])('%i qualifying seats → %i free licences', (seats, free) => {
    expect(freeResourceAccountEntitlement(seats)).toBe(free);
  });
  const sku = (enabled: number, consumed: number) => ({
    skuId: RESOURCE_ACCOUNT_SKU.skuId,
    skuPartNumber: 'PHONESYSTEM_VIRTUALUSER',
    consumedUnits: consumed,
    prepaidUnits: { enabled },
  });
  it('free = enabled - consumed', () => {
    expect(resourceAccountPool([sku(85, 80)])).toEqual({ kind: 'available', enabled: 85, consumed: 80, free: 5 });
  });
  it('an exhausted pool says so', () => {
    const p = resourceAccountPool([sku(25, 25)]);
    expect(p.kind).toBe('exhausted');
  });
  it('0 enabled or no SKU means the free licences were not acquired yet', () => {
    for (const skus of [[sku(0, 0)], []]) {
      const p = resourceAccountPool(skus);
      expect(p.kind).toBe('notAcquired');
      if (p.kind === 'notAcquired') expect(p.message).toContain('zero cost in the Microsoft 365 admin center');
    }
  });
  it('ignores other SKUs and matches on part number when the id differs in case', () => {
    const p = resourceAccountPool([
      {
        skuId: 'e43b5b99-8dfb-405f-9987-dc307f34bcbd',
        skuPartNumber: 'MCOEV',
        consumedUnits: 3,
        prepaidUnits: { enabled: 600 },
      },
      { ...sku(30, 1), skuId: RESOURCE_ACCOUNT_SKU.skuId.toUpperCase() },
    ]);
    expect(p).toMatchObject({ kind: 'available', free: 29 });
  });
  it('licence rule', () => {
    expect(needsResourceAccountLicense('allResourceAccounts', false)).toBe(true);
    expect(needsResourceAccountLicense('numberedOnly', false)).toBe(false);
    expect(needsResourceAccountLicense('numberedOnly', true)).toBe(true);
  });
});

describe('permissions and consent', () => {
  it('name↔id maps are inverse and include the five Calls permissions', () => {
    for (const name of BOT_APP_PERMISSIONS.application) {
      expect(GRAPH_APP_ROLE_NAMES[GRAPH_APP_ROLE_IDS[name]]).toBe(name);
    }
    expect(GRAPH_APP_ROLE_IDS['Calls.AccessMedia.All']).toBe('a7a681dc-756e-4909-b988-f160edc6655f');
    expect(PROVISIONING_APP_PERMISSIONS.application).toContain('TeamsTelephoneNumber.ReadWrite.All');
  });
  it('diffs granted ids/names and delegated scopes against the required set', () => {
    const d = consentDiff(
      BOT_APP_PERMISSIONS,
      [GRAPH_APP_ROLE_IDS['Calls.AccessMedia.All'], 'Calls.Initiate.All', GRAPH_APP_ROLE_IDS['User.Read.All']],
      ['User.Read Presence.Read.All', 'User.Read'],
    );
    expect(d.granted).toEqual(['Calls.AccessMedia.All', 'Calls.Initiate.All', 'Presence.Read.All (delegated)']);
    expect(d.missing).toEqual([
      'Calls.InitiateGroupCall.All',
      'Calls.JoinGroupCall.All',
      'Calls.JoinGroupCallAsGuest.All',
    ]);
    expect(d.excess).toEqual(['User.Read.All', 'User.Read (delegated)']);
  });
  it('reports every required permission missing when nothing is granted', () => {
    const d = consentDiff(BOT_APP_PERMISSIONS, [], []);
    expect(d.granted).toEqual([]);
    expect(d.missing).toHaveLength(6);
    expect(d.excess).toEqual([]);
  });
  it('builds the v2 and legacy admin-consent URLs', () => {
    const v2 = new URL(
      adminConsentUrl({
        authorityHost: 'https://login.microsoftonline.com/',
        tenant: 'contoso.onmicrosoft.com',
        clientId: 'abc',
        redirectUri: 'https://app.example/consent',
        state: 's 1',
      }),
    );
    expect(v2.origin + v2.pathname).toBe('https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent');
    expect(Object.fromEntries(v2.searchParams)).toEqual({
      client_id: 'abc',
      scope: 'https://graph.microsoft.com/.default',
      redirect_uri: 'https://app.example/consent',
      state: 's 1',
    });
    expect(legacyAdminConsentUrl({ authorityHost: 'https://login.microsoftonline.com', clientId: 'abc' })).toBe(
      'https://login.microsoftonline.com/common/adminconsent?client_id=abc',
    );
  });
  it('parses the consent redirect', () => {
    expect(parseAdminConsentRedirect(new URLSearchParams('admin_consent=True&tenant=t1&state=x'))).toEqual({
      ok: true,
      tenant: 't1',
      state: 'x',
    });
    expect(parseAdminConsentRedirect(new URLSearchParams('error=access_denied&error_description=no'))).toMatchObject({
      ok: false,
      error: 'access_denied',
    });
  });
});
