import { durationSettingMs, parseTimeSpanMs } from '../../../devhost/config/durations';
import { applyHostJsonEnvOverrides, getPath, parseScalar } from '../../../devhost/config/host-json';
import { applySettingsToEnv, lookupSetting, resolveSettingExpression } from '../../../devhost/config/settings';
import { globToRegExp } from '../../../devhost/app/entry-files';
import { queueOptionsOf, routePrefixOf } from '../../../devhost/config/host-options';

describe('host.json environment overrides', () => {
  const hostJson = {
    version: '2.0',
    extensions: { queues: { batchSize: 16, messageEncoding: 'base64' as const }, http: { routePrefix: 'api' } },
  };

  it('nests on double underscores and parses numbers and booleans', () => {
    const result = applyHostJsonEnvOverrides(hostJson, {
      AzureFunctionsJobHost__extensions__queues__batchSize: '4',
      AzureFunctionsJobHost__extensions__durableTask__hubName: 'TestHub1',
      AzureFunctionsJobHost__extensions__durableTask__extendedSessionsEnabled: 'true',
      AzureFunctionsJobHost__logging__logLevel__default: 'Warning',
      UNRELATED: 'x',
    });
    expect(result.extensions?.queues?.batchSize).toBe(4);
    expect(result.extensions?.durableTask?.hubName).toBe('TestHub1');
    expect(result.extensions?.durableTask?.extendedSessionsEnabled).toBe(true);
    expect(getPath(result, 'logging', 'logLevel', 'default')).toBe('Warning');
    expect(result.extensions?.queues?.messageEncoding).toBe('base64');
    expect(hostJson.extensions.queues.batchSize).toBe(16); // the input is not mutated
  });

  it('matches keys case-insensitively, keeping the existing spelling, and accepts ":" separators', () => {
    const result = applyHostJsonEnvOverrides(hostJson, {
      azurefunctionsjobhost__Extensions__HTTP__ROUTEPREFIX: '',
      'AzureFunctionsJobHost:extensions:queues:maxDequeueCount': '2',
    });
    expect(result.extensions?.http?.routePrefix).toBe('');
    expect(result.extensions?.queues?.maxDequeueCount).toBe(2);
    expect(routePrefixOf(result)).toBe('');
  });

  it('uses host.json spelling for sections host.json does not have yet', () => {
    const result = applyHostJsonEnvOverrides(
      { version: '2.0' },
      { AZUREFUNCTIONSJOBHOST__EXTENSIONS__DURABLETASK__HUBNAME: 'Hub2' },
    );
    expect(result.extensions?.durableTask?.hubName).toBe('Hub2');
  });

  it('keeps TimeSpans and other text as strings', () => {
    expect(parseScalar('00:00:02')).toBe('00:00:02');
    expect(parseScalar('-1.5')).toBe(-1.5);
    expect(parseScalar('FALSE')).toBe(false);
    expect(parseScalar('12abc')).toBe('12abc');
  });

  it('derives queue options with the host defaults', () => {
    const defaults = queueOptionsOf({}, 1000);
    expect(defaults).toEqual({
      batchSize: 16,
      newBatchThreshold: 8,
      maxPollingIntervalMs: 60_000,
      visibilityTimeoutMs: 0,
      maxDequeueCount: 5,
      drainTimeoutMs: 1000,
      leaseSeconds: 60,
    });
    const custom = queueOptionsOf(
      { extensions: { queues: { batchSize: 4, maxPollingInterval: '00:00:02', visibilityTimeout: '00:00:10' } } },
      1,
    );
    expect(custom).toMatchObject({
      batchSize: 4,
      newBatchThreshold: 2,
      maxPollingIntervalMs: 2000,
      visibilityTimeoutMs: 10_000,
    });
    expect(() => queueOptionsOf({ extensions: { queues: { batchSize: 64 } } }, 1)).toThrow(/between 1 and 32/);
  });
});

describe('TimeSpans', () => {
  it.each([
    ['00:00:02', 2000],
    ['00:10:00', 600_000],
    ['1.02:03:04', 93_784_000],
    ['00:00:00.5', 500],
    ['01:30', 5_400_000],
  ])('%s → %d ms', (text, ms) => expect(parseTimeSpanMs(text)).toBe(ms));

  it('rejects other text', () => {
    expect(parseTimeSpanMs('2s')).toBeUndefined();
    expect(parseTimeSpanMs('00:61:00')).toBeUndefined();
    expect(() => durationSettingMs('soon', 'x', 0)).toThrow(/not a TimeSpan/);
    expect(durationSettingMs(undefined, 'x', 7)).toBe(7);
    expect(durationSettingMs(250, 'x', 7)).toBe(250);
  });
});

describe('app settings', () => {
  it('adds local.settings.json Values to the environment without overriding set variables', () => {
    const env: NodeJS.ProcessEnv = { KEEP: 'env' };
    const applied = applySettingsToEnv({ KEEP: 'file', NEW: 'file', NUM: 5 as unknown as string }, env);
    expect(env).toEqual({ KEEP: 'env', NEW: 'file', NUM: '5' });
    expect(applied).toEqual(['NEW', 'NUM']);
  });

  it('resolves %Name% binding expressions, whole or embedded', () => {
    const settings = { QUEUE: 'orders', ENV: 'dev', Schedule: '0 */5 * * * *' };
    expect(resolveSettingExpression('%QUEUE%', settings)).toBe('orders');
    expect(resolveSettingExpression('%QUEUE%-%ENV%', settings)).toBe('orders-dev');
    expect(resolveSettingExpression('%schedule%', settings)).toBe('0 */5 * * * *');
    expect(resolveSettingExpression('plain', settings)).toBe('plain');
    expect(() => resolveSettingExpression('%MISSING%', settings)).toThrow(/'%MISSING%' does not resolve/);
    expect(lookupSetting(settings, 'queue')).toBe('orders');
  });
});

describe('entry globs', () => {
  it.each([
    ['dist/src/functions/*.js', 'dist/src/functions/a.js', true],
    ['dist/src/functions/*.js', 'dist/src/functions/sub/a.js', false],
    ['dist/**/*.js', 'dist/a.js', true],
    ['dist/**/*.js', 'dist/x/y/a.js', true],
    ['src/{a,b}.js', 'src/b.js', true],
    ['src/{a,b}.js', 'src/c.js', false],
    ['src/?.js', 'src/a.js', true],
    ['src/[ab].js', 'src/c.js', false],
  ])('%s vs %s → %s', (glob, file, ok) => expect(globToRegExp(glob).test(file)).toBe(ok));
});
