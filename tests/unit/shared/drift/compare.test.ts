import { GRAPH_APP_ROLE_IDS, RESOURCE_ACCOUNT_SKU, RESOURCE_ACCOUNT_SKU_GOV } from '../../../../shared/domain';
import {
  absent,
  compareConsent,
  compareEndpoint,
  DesiredEndpoint,
  DriftScan,
  failedRead,
  fromRead,
  isAutoRemediable,
  observed,
  ObservedConsent,
  ObservedEndpoint,
  reasonFromError,
  remediationFor,
  scanTenant,
  unknownFact,
} from '../../../../shared/drift';

const BOT = '11111111-2222-3333-4444-555555555555';
const OTHER = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const desired: DesiredEndpoint = {
  upn: 'CC-Sales@contoso.com',
  displayName: 'Sales',
  applicationId: BOT,
  usageLocation: 'US',
  phoneNumber: '+14255550100',
  numberType: 'directRouting',
  licenseRule: 'allResourceAccounts',
};
const healthy: ObservedEndpoint = {
  instance: observed({ objectId: 'obj-1', applicationId: BOT.toUpperCase() }),
  sync: observed({ synced: true, applicationId: BOT }),
  usageLocation: observed('us'),
  licenses: observed([{ skuId: RESOURCE_ACCOUNT_SKU.skuId, disabledPlans: [] }]),
  number: observed({ telephoneNumber: '+14255550100', numberType: 'directRouting' }),
};
const throttled = unknownFact({ code: 'throttled', message: '429 Too Many Requests', status: 429 });
const kinds = (s: DriftScan) => s.findings.map((f) => f.kind).sort();

describe('compareEndpoint', () => {
  it('finds nothing when the tenant matches, and evaluates every endpoint kind', () => {
    const s = compareEndpoint(desired, healthy);
    expect(s.findings).toEqual([]);
    expect(s.unknown).toEqual([]);
    expect(s.evaluated.sort()).toEqual(
      [
        'instanceMissing',
        'applicationIdChanged',
        'notSynced',
        'licenseMissing',
        'usageLocationChanged',
        'numberMissing',
        'numberChanged',
      ]
        .map((k) => `cc-sales@contoso.com|${k}`)
        .sort(),
    );
  });

  it('reports a missing account alone; its other facts are not evaluated', () => {
    const s = compareEndpoint(desired, { ...healthy, instance: absent(), licenses: observed([]) });
    expect(s.findings).toEqual([
      {
        subject: 'cc-sales@contoso.com',
        kind: 'instanceMissing',
        expected: 'CC-Sales@contoso.com',
        actual: null,
        message: expect.stringContaining('no longer exists'),
      },
    ]);
    expect(s.unknown).toHaveLength(6);
    expect(s.unknown.every((u) => u.reason.code === 'notEvaluated')).toBe(true);
  });

  it('reports a changed or blank application id', () => {
    const changed = compareEndpoint(desired, {
      ...healthy,
      instance: observed({ objectId: 'o', applicationId: OTHER }),
    });
    expect(changed.findings).toEqual([
      expect.objectContaining({ kind: 'applicationIdChanged', expected: BOT, actual: OTHER }),
    ]);
    const blank = compareEndpoint(desired, { ...healthy, instance: observed({ objectId: 'o', applicationId: '' }) });
    expect(blank.findings).toEqual([expect.objectContaining({ kind: 'applicationIdChanged', actual: null })]);
  });

  it('reports an account not synced to APS, or mapped to another app', () => {
    expect(compareEndpoint(desired, { ...healthy, sync: absent() }).findings).toEqual([
      expect.objectContaining({ kind: 'notSynced', expected: BOT, actual: null }),
    ]);
    expect(kinds(compareEndpoint(desired, { ...healthy, sync: observed({ synced: false }) }))).toEqual(['notSynced']);
    expect(
      compareEndpoint(desired, { ...healthy, sync: observed({ synced: true, applicationId: OTHER }) }).findings,
    ).toEqual([expect.objectContaining({ kind: 'notSynced', actual: OTHER })]);
    expect(
      compareEndpoint(desired, { ...healthy, sync: observed({ synced: true, applicationId: null }) }).findings,
    ).toEqual([]);
  });

  it('reports a missing licence, a disabled plan, and accepts the GCC SKU or bare sku ids', () => {
    expect(compareEndpoint(desired, { ...healthy, licenses: observed([{ skuId: 'other-sku' }]) }).findings).toEqual([
      expect.objectContaining({ kind: 'licenseMissing', expected: 'PHONESYSTEM_VIRTUALUSER', actual: ['other-sku'] }),
    ]);
    const disabled = compareEndpoint(desired, {
      ...healthy,
      licenses: observed([{ skuId: RESOURCE_ACCOUNT_SKU.skuId, disabledPlans: [RESOURCE_ACCOUNT_SKU.servicePlanId] }]),
    });
    expect(disabled.findings).toEqual([
      expect.objectContaining({
        kind: 'licenseMissing',
        actual: [`${RESOURCE_ACCOUNT_SKU.skuId} (MCOEV_VIRTUALUSER disabled)`],
      }),
    ]);
    expect(
      compareEndpoint(desired, { ...healthy, licenses: observed([RESOURCE_ACCOUNT_SKU_GOV.skuId.toUpperCase()]) })
        .findings,
    ).toEqual([]);
    expect(kinds(compareEndpoint(desired, { ...healthy, licenses: absent() }))).toEqual(['licenseMissing']);
  });

  it('follows the licence rule: numberedOnly does not need one without a number', () => {
    const noNumber: DesiredEndpoint = { ...desired, phoneNumber: null, numberType: null, licenseRule: 'numberedOnly' };
    const s = compareEndpoint(noNumber, { ...healthy, licenses: observed([]), number: absent() });
    expect(s.findings).toEqual([]);
    // …and needs no licence read at all, so an unreadable list is no reason for an unknown record.
    expect(compareEndpoint(noNumber, { ...healthy, licenses: throttled, number: absent() }).unknown).toEqual([]);
    expect(
      kinds(compareEndpoint({ ...desired, licenseRule: 'numberedOnly' }, { ...healthy, licenses: observed([]) })),
    ).toEqual(['licenseMissing']);
  });

  it('reports a changed or cleared usage location', () => {
    expect(compareEndpoint(desired, { ...healthy, usageLocation: observed('GB') }).findings).toEqual([
      expect.objectContaining({ kind: 'usageLocationChanged', expected: 'US', actual: 'GB' }),
    ]);
    expect(compareEndpoint(desired, { ...healthy, usageLocation: absent() }).findings).toEqual([
      expect.objectContaining({
        kind: 'usageLocationChanged',
        actual: null,
        message: expect.stringContaining('not set'),
      }),
    ]);
  });

  it('reports a removed number, a different number, and a different number type', () => {
    expect(compareEndpoint(desired, { ...healthy, number: absent() }).findings).toEqual([
      expect.objectContaining({ kind: 'numberMissing', expected: '+14255550100', actual: null }),
    ]);
    expect(
      compareEndpoint(desired, { ...healthy, number: observed({ telephoneNumber: '+14255550199' }) }).findings,
    ).toEqual([expect.objectContaining({ kind: 'numberChanged', expected: '+14255550100', actual: '+14255550199' })]);
    expect(
      compareEndpoint(desired, {
        ...healthy,
        number: observed({ telephoneNumber: '+1 425 555 0100', numberType: 'callingPlan' }),
      }).findings,
    ).toEqual([expect.objectContaining({ kind: 'numberChanged', actual: '+1 425 555 0100 (callingPlan)' })]);
  });

  it('reports a number added by hand as report-only', () => {
    const s = compareEndpoint({ ...desired, phoneNumber: undefined, numberType: undefined }, healthy);
    expect(s.findings).toEqual([
      expect.objectContaining({ kind: 'numberChanged', expected: null, actual: '+14255550100' }),
    ]);
    expect(remediationFor(s.findings[0]).mode).toBe('reportOnly');
    expect(isAutoRemediable({ kind: 'numberChanged', expected: '+1' })).toBe(true);
  });

  it('turns every unreadable fact into an unknown record with its reason, never a finding', () => {
    const s = compareEndpoint(desired, {
      instance: throttled,
      sync: failedRead({ status: 503, message: 'Service Unavailable' }),
      usageLocation: failedRead(new Error('request timed out')),
      licenses: throttled,
      number: failedRead({ status: 500, message: 'boom' }),
    });
    expect(s.findings).toEqual([]);
    expect(s.evaluated).toEqual([]);
    expect(s.unknown.map((u) => [u.kind, u.reason.code]).sort()).toEqual(
      [
        ['instanceMissing', 'throttled'],
        ['applicationIdChanged', 'throttled'],
        ['notSynced', 'serverError'],
        ['usageLocationChanged', 'timeout'],
        ['licenseMissing', 'throttled'],
        ['numberMissing', 'serverError'],
        ['numberChanged', 'serverError'],
      ].sort(),
    );
  });

  it('treats facts that were not read as unknown (notRead)', () => {
    const s = compareEndpoint(desired, { instance: healthy.instance });
    expect(s.findings).toEqual([]);
    expect(new Set(s.unknown.map((u) => u.reason.code))).toEqual(new Set(['notRead']));
  });

  it('still judges the facts that were read when others failed', () => {
    const s = compareEndpoint(desired, { ...healthy, instance: throttled, usageLocation: observed('DE') });
    expect(kinds(s)).toEqual(['usageLocationChanged']);
  });
});

describe('compareConsent', () => {
  const allBot = [
    GRAPH_APP_ROLE_IDS['Calls.AccessMedia.All'],
    GRAPH_APP_ROLE_IDS['Calls.Initiate.All'],
    GRAPH_APP_ROLE_IDS['Calls.InitiateGroupCall.All'],
    GRAPH_APP_ROLE_IDS['Calls.JoinGroupCall.All'],
    GRAPH_APP_ROLE_IDS['Calls.JoinGroupCallAsGuest.All'],
  ];

  it('finds nothing with exactly the required consent', () => {
    const s = compareConsent(BOT, observed({ appRoles: allBot, delegatedScopes: ['Presence.Read.All'] }));
    expect(s.findings).toEqual([]);
    expect(s.evaluated).toEqual([`app:${BOT}|consentMissing`, `app:${BOT}|consentExcess`]);
  });

  it('reports missing and excess permissions', () => {
    const s = compareConsent(
      BOT,
      observed({
        appRoles: [...allBot.slice(1), GRAPH_APP_ROLE_IDS['User.ReadWrite.All']],
        delegatedScopes: ['User.Read'],
      }),
    );
    expect(s.findings).toEqual([
      expect.objectContaining({
        kind: 'consentMissing',
        message: expect.stringContaining('Calls.AccessMedia.All, Presence.Read.All (delegated)'),
      }),
      expect.objectContaining({
        kind: 'consentExcess',
        expected: [],
        actual: ['User.Read (delegated)', 'User.ReadWrite.All'],
      }),
    ]);
    expect(s.findings.map((f) => remediationFor(f).mode)).toEqual(['reportOnly', 'reportOnly']);
  });

  it('reports an app with no service principal as missing everything; unknown consent as unknown', () => {
    expect(compareConsent(BOT, fromRead<ObservedConsent>(undefined)).findings).toEqual([
      expect.objectContaining({ kind: 'consentMissing', actual: null }),
    ]);
    const u = compareConsent(BOT, throttled);
    expect(u.findings).toEqual([]);
    expect(u.unknown.map((x) => x.kind)).toEqual(['consentMissing', 'consentExcess']);
  });
});

describe('scanTenant', () => {
  it('merges endpoints and apps', () => {
    const s = scanTenant({
      endpoints: [
        { desired, observed: healthy },
        { desired: { ...desired, upn: 'b@contoso.com' }, observed: { ...healthy, usageLocation: observed('FR') } },
      ],
      apps: [{ applicationId: BOT, consent: absent() }],
    });
    expect(s.findings.map((f) => `${f.subject}|${f.kind}`)).toEqual([
      'b@contoso.com|usageLocationChanged',
      `app:${BOT}|consentMissing`,
    ]);
    expect(s.evaluated).toHaveLength(7 + 7 + 2);
  });
});

describe('reasonFromError', () => {
  it.each([
    [{ kind: 'throttled', status: 429, message: 'slow down', retryAfterMs: 5000 }, 'throttled'],
    [{ status: 502, message: 'bad gateway' }, 'serverError'],
    [{ status: 408, message: 'timeout' }, 'timeout'],
    [{ status: 403, message: 'Authorization_RequestDenied' }, 'forbidden'],
    [new Error('fetch failed'), 'network'],
    [Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'network'],
    ['something odd', 'other'],
  ])('%j → %s', (error, code) => {
    expect(reasonFromError(error).code).toBe(code);
  });

  it('keeps the status and Retry-After', () => {
    expect(reasonFromError({ status: 429, message: 'x', retryAfterMs: 3000 })).toEqual({
      code: 'throttled',
      message: 'x',
      status: 429,
      retryAfterMs: 3000,
    });
  });
});
