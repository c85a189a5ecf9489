import { ConfigError, SETTINGS, autoRemediates, configurationTable, loadConfig } from '../../../shared/config';

const minimal = {
  AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  PROVISIONING_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
  PROVISIONING_CLIENT_SECRET: 's3cret-value',
  BOT_APP_ID: '22222222-2222-2222-2222-222222222222',
  API_AUDIENCE: 'api://switchboard',
  BRIDGE_URL: 'https://localhost:7075/bridge/',
};

function problemsOf(env: Record<string, string | undefined>) {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('DRIFT_AUTO_REMEDIATE', () => {
  const a = '33333333-3333-3333-3333-333333333333';
  const b = '44444444-4444-4444-4444-444444444444';

  it('names tenants (any case, spaces ignored) or all of them with *', () => {
    const some = loadConfig({ ...minimal, DRIFT_AUTO_REMEDIATE: ` ${a.toUpperCase()} , ${b}` });
    expect(some.driftAutoRemediate).toEqual({ all: false, tenants: [a, b] });
    expect(autoRemediates(some, a)).toBe(true);
    expect(autoRemediates(some, '55555555-5555-5555-5555-555555555555')).toBe(false);
    const all = loadConfig({ ...minimal, DRIFT_AUTO_REMEDIATE: '*' });
    expect(autoRemediates(all, '55555555-5555-5555-5555-555555555555')).toBe(true);
    expect(loadConfig({ ...minimal, DRIFT_AUTO_REMEDIATE: '  ' }).driftAutoRemediate.all).toBe(false);
  });

  it('refuses anything but tenant ids and *', () => {
    expect(problemsOf({ ...minimal, DRIFT_AUTO_REMEDIATE: `${a},contoso.com` })).toEqual([
      { setting: 'DRIFT_AUTO_REMEDIATE', message: expect.stringContaining('tenant ids') },
    ]);
  });
});

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const c = loadConfig(minimal);
    expect(c.graphBaseUrl).toBe('https://graph.microsoft.com');
    expect(c.authorityHost).toBe('https://login.microsoftonline.com');
    expect(c.provisioning.credential).toBe('secret');
    expect(c.bridge).toEqual({ url: 'https://localhost:7075/bridge', scope: 'api://teams-admin-bridge/.default' });
    expect(c.api).toEqual({
      audience: 'api://switchboard',
      issuerTemplate: 'https://login.microsoftonline.com/{tenantId}/v2.0',
    });
    expect(c.botToken.openIdConfigUrl).toBe('https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration');
    expect(c.resourceAccountLicenseRule).toBe('allResourceAccounts');
    expect(c.driftSchedule).toBe('0 */15 * * * *');
    expect(c.driftAutoRemediate).toEqual({ all: false, tenants: [] });
    expect(c.driftScanRetentionDays).toBe(30);
    expect(autoRemediates(c, '33333333-3333-3333-3333-333333333333')).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.provisioning)).toBe(true);
  });

  it('every default in the settings list is accepted as is', () => {
    for (const s of SETTINGS) expect(s.doc.length).toBeGreaterThan(10);
    expect(SETTINGS.map((s) => s.name)).toContain('RESOURCE_ACCOUNT_LICENSE_RULE');
    expect(() => loadConfig(minimal)).not.toThrow();
  });

  it('names each missing required setting', () => {
    const problems = problemsOf({});
    expect(problems.map((p) => p.setting).sort()).toEqual(
      [
        'API_AUDIENCE',
        'AzureWebJobsStorage',
        'BOT_APP_ID',
        'BRIDGE_URL',
        'PROVISIONING_CLIENT_ID',
        'PROVISIONING_CLIENT_SECRET',
      ].sort(),
    );
  });

  it('the API audience has no default (issue 17 item 6): a wrong one would take tokens meant for another app', () => {
    const { API_AUDIENCE: _omit, ...withoutAudience } = minimal;
    expect(problemsOf(withoutAudience)).toEqual([{ setting: 'API_AUDIENCE', message: 'is required' }]);
    expect(problemsOf({ ...minimal, API_AUDIENCE: '  ' })).toEqual([
      { setting: 'API_AUDIENCE', message: 'is required' },
    ]);
  });

  it('OPERATOR_TENANT_ID is a tenant id, lower-cased', () => {
    const t = 'AAAAAAAA-1111-2222-3333-444444444444';
    expect(loadConfig({ ...minimal, OPERATOR_TENANT_ID: t }).operatorTenantId).toBe(t.toLowerCase());
    expect(problemsOf({ ...minimal, OPERATOR_TENANT_ID: 'contoso.com' }).map((p) => p.setting)).toEqual([
      'OPERATOR_TENANT_ID',
    ]);
  });

  it('requires what the chosen credential needs', () => {
    expect(problemsOf({ ...minimal, PROVISIONING_CREDENTIAL: 'certificate' })).toEqual([
      { setting: 'PROVISIONING_CERTIFICATE_PATH', message: 'is required when PROVISIONING_CREDENTIAL=certificate' },
    ]);
    const mi = loadConfig({ ...minimal, PROVISIONING_CLIENT_ID: '', PROVISIONING_CREDENTIAL: 'managedIdentity' });
    expect(mi.provisioning.credential).toBe('managedIdentity');
    expect(problemsOf({ ...minimal, PROVISIONING_CREDENTIAL: 'password' })[0]).toEqual({
      setting: 'PROVISIONING_CREDENTIAL',
      message: 'must be one of secret, certificate, managedIdentity',
    });
  });

  it('rejects invalid values, naming the setting and never echoing secrets', () => {
    let message = '';
    try {
      loadConfig({
        ...minimal,
        GRAPH_BASE_URL: 'not a url',
        BOT_APP_ID: 'bot',
        DRIFT_SCHEDULE: '*/5',
        RESOURCE_ACCOUNT_LICENSE_RULE: 'some',
      });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const s of ['GRAPH_BASE_URL', 'BOT_APP_ID', 'DRIFT_SCHEDULE', 'RESOURCE_ACCOUNT_LICENSE_RULE']) {
      expect(message).toContain(s);
    }
    expect(message).not.toContain('s3cret-value');
  });

  it('takes the drift scan retention in whole days, and says what is wrong with anything else', () => {
    expect(loadConfig({ ...minimal, DRIFT_SCAN_RETENTION_DAYS: ' 7 ' }).driftScanRetentionDays).toBe(7);
    expect(problemsOf({ ...minimal, DRIFT_SCAN_RETENTION_DAYS: '7.5' })).toEqual([
      { setting: 'DRIFT_SCAN_RETENTION_DAYS', message: 'must be a whole number of days, e.g. 30' },
    ]);
    expect(problemsOf({ ...minimal, DRIFT_SCAN_RETENTION_DAYS: '0' })).toEqual([
      { setting: 'DRIFT_SCAN_RETENTION_DAYS', message: 'must be at least 1 day' },
    ]);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ ...minimal, GRAPH_BASE_URL: '  ' }).graphBaseUrl).toBe('https://graph.microsoft.com');
  });
});

describe('configurationTable', () => {
  it('has one row per setting, with required, default and doc', () => {
    const table = configurationTable();
    const lines = table.split('\n');
    expect(lines).toHaveLength(SETTINGS.length + 2);
    expect(table).toContain('| `AzureWebJobsStorage` | yes |  | Storage connection string');
    expect(table).toContain('| `DRIFT_SCHEDULE` | no | `0 */15 * * * *` |');
    expect(table).toContain('| `PROVISIONING_CLIENT_SECRET` | when PROVISIONING_CREDENTIAL=secret |');
  });
});

describe('the portal settings', () => {
  it('are read with the rest: the scope defaults to the API audience, the tenant to organizations', () => {
    expect(loadConfig(minimal).portal).toEqual({
      clientId: '',
      tenant: 'organizations',
      apiScope: 'api://switchboard/.default',
    });
    const set = loadConfig({
      ...minimal,
      PORTAL_CLIENT_ID: 'portal-client',
      PORTAL_TENANT: 'contoso.onmicrosoft.com',
      PORTAL_API_SCOPE: 'api://switchboard/access_as_user',
    });
    expect(set.portal).toEqual({
      clientId: 'portal-client',
      tenant: 'contoso.onmicrosoft.com',
      apiScope: 'api://switchboard/access_as_user',
    });
  });

  it('refuses a tenant that would break the authority URL', () => {
    expect(problemsOf({ ...minimal, PORTAL_TENANT: 'contoso/../evil' })).toEqual([
      { setting: 'PORTAL_TENANT', message: expect.stringContaining('tenant id') },
    ]);
  });
});
