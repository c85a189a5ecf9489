/**
 * Typed settings, validated once at start. Pure: takes an env object, returns a frozen config or throws a
 * {@link ConfigError} whose message names every missing or invalid setting (never its value: some are secrets).
 */
import { z } from 'zod';
import { LICENSE_RULES, LicenseRule } from '../domain/enums';
import { CREDENTIAL_KINDS, CredentialKind, SETTINGS, settingDefinition } from './settings';

export * from './settings';

export interface AppConfig {
  readonly storageConnectionString: string;
  readonly graphBaseUrl: string;
  readonly authorityHost: string;
  readonly provisioning: {
    readonly clientId?: string;
    readonly credential: CredentialKind;
    readonly clientSecret?: string;
    readonly certificatePath?: string;
    readonly managedIdentityClientId?: string;
  };
  readonly bot: { readonly appId: string; readonly clientSecret?: string };
  /** WEB_APP_ID: the vendor's web app, whose consent is checked beside the bot's (unset: not checked). */
  readonly webAppId?: string;
  readonly bridge: { readonly url: string; readonly scope: string };
  readonly api: { readonly audience: string; readonly issuerTemplate: string };
  /** The portal's sign-in (PORTAL_CLIENT_ID, PORTAL_TENANT, PORTAL_API_SCOPE — else `{API_AUDIENCE}/.default`). */
  readonly portal: { readonly clientId: string; readonly tenant: string; readonly apiScope: string };
  /** OPERATOR_TENANT_ID: Switchboard's own tenant (always served; its operators onboard tenants), lower-cased. */
  readonly operatorTenantId?: string;
  readonly botToken: { readonly issuer: string; readonly openIdConfigUrl: string };
  readonly resourceAccountLicenseRule: LicenseRule;
  readonly adminConsentRedirectUri?: string;
  readonly driftSchedule: string;
  /** DRIFT_AUTO_REMEDIATE: `all` for `*`, else the lower-cased tenant ids (empty = report only). */
  readonly driftAutoRemediate: { readonly all: boolean; readonly tenants: readonly string[] };
  /** DRIFT_SCAN_RETENTION_DAYS: scan records older than this are deleted as new scans are recorded. */
  readonly driftScanRetentionDays: number;
  readonly version?: string;
  readonly defaultUsageLocation: string;
  /** Overrides of the provisioning chain's waiting policies. */
  readonly provisioningWaits?: Partial<Record<WaitKind, WaitPolicySetting>>;
  /** Bulk import: the queue of row references (its poison queue is `<queueName>-poison`). */
  readonly bulk: { readonly queueName: string };
  /** Calls: the storage queue of call notifications, our webhook's public URL, tenants served besides endpoints'. */
  readonly calls: {
    readonly eventsQueueName: string;
    readonly callbackUrl?: string;
    readonly extraTenants: readonly string[];
    /** CALLS_KEEPALIVE_INTERVAL_S: a call answered this long ago (and every interval after) gets a keepAlive. */
    readonly keepAliveIntervalS: number;
  };
  /**
   * Presence change notifications: our webhook's public URL (PRESENCE_NOTIFICATION_URL; absent: no subscriptions,
   * polling only), the storage queue the webhook feeds, and the key sealing each tenant's delegated presence refresh
   * token (PRESENCE_TOKEN_KEY; absent: derived from BOT_CLIENT_SECRET).
   */
  readonly presence: {
    readonly notificationUrl?: string;
    readonly eventsQueueName: string;
    readonly tokenKey?: string;
  };
  /** Prompts and menus: the public origin of prompt WAVs, Azure AI Speech, the menus' clock (tests). */
  readonly menus: {
    readonly promptsBaseUrl?: string;
    readonly speech?: { readonly region: string; readonly key: string; readonly voice: string };
    /** MENUS_CLOCK as epoch ms. */
    readonly clockAt?: number;
    /** SELF_SERVICE_ALLOW_HTTP_LOOPBACK: a self-service URL may be http to a loopback host (local test servers). */
    readonly selfServiceAllowHttpLoopback: boolean;
    /** SELF_SERVICE_SECRET_KEY: seals self-service secrets at rest (AES-256-GCM); unset: kept as written. */
    readonly selfServiceSecretKey?: string;
  };
  /** Reporting: the feed's storage queue (REPORTING_QUEUE_NAME). */
  readonly reporting: { readonly queueName: string };
  /** Request budgets: `*` (every tenant) and per-tenant overrides, tenant ids lower-cased. */
  readonly tenantRates: Readonly<Record<string, Partial<TenantRates>>>;
}

/** A tenant's budgets, per second; 0 means unpaced. */
export interface TenantRates {
  readonly graphPerSecond: number;
  readonly bridgePerSecond: number;
  /** Bulk rows started per second (paces a batch into the request budget). */
  readonly bulkStartsPerSecond: number;
}

export const DEFAULT_TENANT_RATES: Readonly<Omit<TenantRates, 'bulkStartsPerSecond'>> = Object.freeze({
  graphPerSecond: 20,
  bridgePerSecond: 5,
});

/** The budgets in force for one tenant: its own entry over `*` over the defaults. */
export function ratesFor(config: Pick<AppConfig, 'tenantRates'>, tenantId: string): TenantRates {
  const merged = {
    ...DEFAULT_TENANT_RATES,
    ...config.tenantRates['*'],
    ...config.tenantRates[tenantId.toLowerCase()],
  };
  return {
    graphPerSecond: merged.graphPerSecond,
    bridgePerSecond: merged.bridgePerSecond,
    // A chain sends about 8–10 Graph requests: starts a little faster than the budget drains keep it busy.
    bulkStartsPerSecond: merged.bulkStartsPerSecond ?? merged.graphPerSecond / 8,
  };
}

export const WAIT_KINDS = ['replication', 'license', 'numberOperation', 'throttle'] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];
export interface WaitPolicySetting {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly deadlineMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly { setting: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p.setting}: ${p.message}`).join('\n')}\n` +
        'See the configuration table in README.md.',
    );
    this.name = 'ConfigError';
  }
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const httpUrl = z.string().refine(
  (v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http(s) URL' },
);
const guid = z.string().regex(GUID_RE, { message: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)' });
/** NCRONTAB as Azure Functions uses it: 6 fields (seconds first); 5-field cron is accepted too. */
const cron = z.string().refine((v) => [5, 6].includes(v.trim().split(/\s+/).length), {
  message: 'must be an NCRONTAB expression with 6 fields, e.g. "0 */15 * * * *"',
});

/** A storage queue name that still is one with `-poison` appended (queue names are at most 63 characters). */
const BULK_QUEUE_RE = /^(?=.{3,56}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/;

/**
 * The bulk queue's name straight from the environment, for the trigger's registration at module load (before, and
 * whether or not, the rest of the configuration is valid); {@link loadConfig} validates the same setting.
 */
export function callEventsQueueName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.CALL_EVENTS_QUEUE_NAME?.trim() || (settingDefinition('CALL_EVENTS_QUEUE_NAME').default as string);
}

/**
 * The reporting feed's queue name straight from the environment (the trigger registers at module load):
 * REPORTING_QUEUE_NAME, else `<CALL_EVENTS_QUEUE_NAME>-reporting` (that name cut to 46 characters), so every system with its
 * own call-events queue also has its own feed.
 */
export function reportingQueueName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const set = env.REPORTING_QUEUE_NAME?.trim();
  if (set) return set;
  return `${callEventsQueueName(env).slice(0, 46).replace(/-+$/, '')}-reporting`;
}

/**
 * The presence notifications' queue name straight from the environment (the trigger registers at module load):
 * PRESENCE_EVENTS_QUEUE_NAME, else `<CALL_EVENTS_QUEUE_NAME>-presence`, so every system has its own.
 */
export function presenceEventsQueueName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const set = env.PRESENCE_EVENTS_QUEUE_NAME?.trim();
  if (set) return set;
  return `${callEventsQueueName(env).slice(0, 47).replace(/-+$/, '')}-presence`;
}

export function bulkQueueName(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.BULK_QUEUE_NAME?.trim() || (settingDefinition('BULK_QUEUE_NAME').default as string);
}

const schema = z.object({
  AzureWebJobsStorage: z.string({ message: 'is required' }),
  GRAPH_BASE_URL: httpUrl,
  AUTHORITY_HOST: httpUrl,
  PROVISIONING_CLIENT_ID: guid.optional(),
  PROVISIONING_CREDENTIAL: z.enum(CREDENTIAL_KINDS, { message: `must be one of ${CREDENTIAL_KINDS.join(', ')}` }),
  PROVISIONING_CLIENT_SECRET: z.string().optional(),
  PROVISIONING_CERTIFICATE_PATH: z.string().optional(),
  MANAGED_IDENTITY_CLIENT_ID: guid.optional(),
  BOT_APP_ID: z.string({ message: 'is required' }).regex(GUID_RE, { message: 'must be a GUID' }),
  BOT_CLIENT_SECRET: z.string().optional(),
  WEB_APP_ID: guid.optional(),
  BRIDGE_URL: z.string({ message: 'is required' }).pipe(httpUrl),
  BRIDGE_SCOPE: z.string(),
  API_AUDIENCE: z.string({ message: 'is required' }),
  PORTAL_CLIENT_ID: z.string().optional(),
  PORTAL_TENANT: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,255}$/, { message: 'must be a tenant id, a domain or organizations' }),
  PORTAL_API_SCOPE: z.string().optional(),
  OPERATOR_TENANT_ID: guid.optional(),
  API_ISSUER_TEMPLATE: httpUrl,
  BOT_TOKEN_ISSUER: httpUrl,
  BOT_OPENID_CONFIG_URL: httpUrl,
  RESOURCE_ACCOUNT_LICENSE_RULE: z.enum(LICENSE_RULES, { message: `must be one of ${LICENSE_RULES.join(', ')}` }),
  ADMIN_CONSENT_REDIRECT_URI: httpUrl.optional(),
  DRIFT_SCHEDULE: cron,
  DRIFT_SCAN_RETENTION_DAYS: z
    .string()
    .regex(/^\s*\d+\s*$/, { message: 'must be a whole number of days, e.g. 30' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { message: 'must be at least 1 day' })
        .max(3650, { message: 'must be at most 3650 days' }),
    ),
  DRIFT_AUTO_REMEDIATE: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== ''),
    )
    .refine((list) => list.every((t) => t === '*' || GUID_RE.test(t)), {
      message: 'must be `*` or a comma-separated list of tenant ids (GUIDs)',
    }),
  SWITCHBOARD_VERSION: z.string().optional(),
  DEFAULT_USAGE_LOCATION: z
    .string()
    .regex(/^[A-Za-z]{2}$/, { message: 'must be a two-letter ISO 3166 country code, e.g. US' }),
  PROVISIONING_WAITS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be JSON, e.g. {"replication":{"initialDelayMs":2000,"maxDelayMs":60000,"deadlineMs":1800000}}',
        });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .partialRecord(
          z.enum(WAIT_KINDS, { message: `keys must be ${WAIT_KINDS.join(', ')}` }),
          z.object(
            {
              initialDelayMs: z.number().int().min(0),
              maxDelayMs: z.number().int().min(0),
              deadlineMs: z.number().int().min(1),
            },
            { message: 'each entry must be {initialDelayMs, maxDelayMs, deadlineMs} in milliseconds' },
          ),
        )
        .optional(),
    ),
  BULK_QUEUE_NAME: z.string().regex(BULK_QUEUE_RE, {
    message: 'must be 3-56 lower-case letters, digits or single dashes, starting and ending with a letter or digit',
  }),
  CALL_EVENTS_QUEUE_NAME: z.string().regex(BULK_QUEUE_RE, {
    message: 'must be 3-56 lower-case letters, digits or single dashes, starting and ending with a letter or digit',
  }),
  REPORTING_QUEUE_NAME: z
    .string()
    .regex(BULK_QUEUE_RE, {
      message: 'must be 3-56 lower-case letters, digits or single dashes, starting and ending with a letter or digit',
    })
    .optional(),
  CALLS_CALLBACK_URL: z.string().url({ message: 'must be an absolute http(s) URL' }).optional(),
  CALLS_KEEPALIVE_INTERVAL_S: z
    .string()
    .regex(/^\s*\d+\s*$/, { message: 'must be a whole number of seconds, e.g. 900' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { message: 'must be at least 1 second' })
        .max(2700, { message: 'must be at most 2700 seconds (Graph drops a call after 45 minutes without one)' }),
    ),
  PRESENCE_REFRESH_SCHEDULE: cron,
  PRESENCE_NOTIFICATION_URL: z.string().url({ message: 'must be an absolute http(s) URL' }).optional(),
  PRESENCE_TOKEN_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'must be 32 bytes, base64' })
    .optional(),
  PRESENCE_SUBSCRIPTION_SCHEDULE: cron,
  PRESENCE_EVENTS_QUEUE_NAME: z
    .string()
    .regex(BULK_QUEUE_RE, {
      message: 'must be 3-56 lower-case letters, digits or single dashes, starting and ending with a letter or digit',
    })
    .optional(),
  CALLS_TENANTS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== ''),
    ),
  PROMPTS_BASE_URL: z.string().url({ message: 'must be an absolute http(s) URL' }).optional(),
  SPEECH_REGION: z
    .string()
    .regex(/^[a-z0-9]+$/, { message: 'must be an Azure region name, e.g. westeurope' })
    .optional(),
  SPEECH_KEY: z.string().optional(),
  SPEECH_VOICE: z
    .string()
    .regex(/^[A-Za-z]{2,3}-[A-Za-z]{2,4}-\w+$/, { message: 'must be a voice name, e.g. en-US-JennyNeural' }),
  SELF_SERVICE_ALLOW_HTTP_LOOPBACK: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .transform((v) => v === 'true'),
  SELF_SERVICE_SECRET_KEY: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  MENUS_CLOCK: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be an ISO 8601 instant, e.g. 2026-12-05T22:00:00Z' })
    .optional(),
  TENANT_RATES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return {};
      try {
        return JSON.parse(v) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON, e.g. {"*":{"graphPerSecond":20,"bridgePerSecond":5}}' });
        return z.NEVER;
      }
    })
    .pipe(
      z.record(
        z.string().refine((k) => k === '*' || GUID_RE.test(k), { message: 'keys must be tenant ids (GUIDs) or *' }),
        z
          .object(
            {
              graphPerSecond: z.number().min(0),
              bridgePerSecond: z.number().min(0),
              bulkStartsPerSecond: z.number().min(0),
            },
            { message: 'each entry must be an object of {graphPerSecond, bridgePerSecond, bulkStartsPerSecond}' },
          )
          .partial()
          .strict(),
      ),
    ),
});

/**
 * Requirements that depend on the credential kind. Checked outside the zod object so they are reported together
 * with every other problem (zod skips object refinements while any field is invalid).
 */
function credentialProblems(env: Record<string, string | undefined>): { setting: string; message: string }[] {
  const kind = env.PROVISIONING_CREDENTIAL;
  const problems: { setting: string; message: string }[] = [];
  const need = (setting: string) => {
    if (!env[setting]) problems.push({ setting, message: `is required when PROVISIONING_CREDENTIAL=${kind}` });
  };
  if (kind === 'secret' || kind === 'certificate') need('PROVISIONING_CLIENT_ID');
  if (kind === 'secret') need('PROVISIONING_CLIENT_SECRET');
  if (kind === 'certificate') need('PROVISIONING_CERTIFICATE_PATH');
  return problems;
}

/** Empty strings count as unset (app settings often carry blanks); defaults come from {@link SETTINGS}. */
function withDefaults(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const s of SETTINGS) {
    const raw = env[s.name]?.trim();
    out[s.name] = raw ? raw : s.default;
  }
  return out;
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(o);
}

/** Whether drift findings of this tenant are remediated automatically (DRIFT_AUTO_REMEDIATE). */
export function autoRemediates(config: Pick<AppConfig, 'driftAutoRemediate'>, tenantId: string): boolean {
  const r = config.driftAutoRemediate;
  return r.all || r.tenants.includes(tenantId.trim().toLowerCase());
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const raw = withDefaults(env);
  const parsed = schema.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const setting = String(i.path[0] ?? '(config)');
        settingDefinition(setting); // guards against schema/list drift
        return { setting, message: i.message };
      });
  problems.push(...credentialProblems(raw));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return deepFreeze({
    storageConnectionString: e.AzureWebJobsStorage,
    graphBaseUrl: trimSlash(e.GRAPH_BASE_URL),
    authorityHost: trimSlash(e.AUTHORITY_HOST),
    provisioning: {
      clientId: e.PROVISIONING_CLIENT_ID,
      credential: e.PROVISIONING_CREDENTIAL,
      clientSecret: e.PROVISIONING_CLIENT_SECRET,
      certificatePath: e.PROVISIONING_CERTIFICATE_PATH,
      managedIdentityClientId: e.MANAGED_IDENTITY_CLIENT_ID,
    },
    bot: { appId: e.BOT_APP_ID.toLowerCase(), clientSecret: e.BOT_CLIENT_SECRET },
    webAppId: e.WEB_APP_ID?.toLowerCase(),
    bridge: { url: trimSlash(e.BRIDGE_URL), scope: e.BRIDGE_SCOPE },
    api: { audience: e.API_AUDIENCE, issuerTemplate: e.API_ISSUER_TEMPLATE },
    portal: {
      clientId: e.PORTAL_CLIENT_ID ?? '',
      tenant: e.PORTAL_TENANT,
      apiScope: e.PORTAL_API_SCOPE || `${trimSlash(e.API_AUDIENCE)}/.default`,
    },
    operatorTenantId: e.OPERATOR_TENANT_ID?.toLowerCase(),
    botToken: { issuer: e.BOT_TOKEN_ISSUER, openIdConfigUrl: e.BOT_OPENID_CONFIG_URL },
    resourceAccountLicenseRule: e.RESOURCE_ACCOUNT_LICENSE_RULE,
    adminConsentRedirectUri: e.ADMIN_CONSENT_REDIRECT_URI,
    defaultUsageLocation: e.DEFAULT_USAGE_LOCATION.toUpperCase(),
    provisioningWaits: e.PROVISIONING_WAITS,
    tenantRates: Object.fromEntries(Object.entries(e.TENANT_RATES).map(([k, v]) => [k.toLowerCase(), v])),
    driftSchedule: e.DRIFT_SCHEDULE,
    driftAutoRemediate: {
      all: e.DRIFT_AUTO_REMEDIATE.includes('*'),
      tenants: e.DRIFT_AUTO_REMEDIATE.filter((t) => t !== '*'),
    },
    driftScanRetentionDays: e.DRIFT_SCAN_RETENTION_DAYS,
    version: e.SWITCHBOARD_VERSION,
    bulk: { queueName: e.BULK_QUEUE_NAME },
    calls: {
      eventsQueueName: e.CALL_EVENTS_QUEUE_NAME,
      callbackUrl: e.CALLS_CALLBACK_URL,
      extraTenants: e.CALLS_TENANTS,
      keepAliveIntervalS: e.CALLS_KEEPALIVE_INTERVAL_S,
    },
    presence: {
      notificationUrl: e.PRESENCE_NOTIFICATION_URL,
      tokenKey: e.PRESENCE_TOKEN_KEY,
      eventsQueueName: presenceEventsQueueName({
        PRESENCE_EVENTS_QUEUE_NAME: e.PRESENCE_EVENTS_QUEUE_NAME,
        CALL_EVENTS_QUEUE_NAME: e.CALL_EVENTS_QUEUE_NAME,
      }),
    },
    menus: {
      promptsBaseUrl: e.PROMPTS_BASE_URL ? trimSlash(e.PROMPTS_BASE_URL) : undefined,
      speech:
        e.SPEECH_KEY && e.SPEECH_REGION
          ? { region: e.SPEECH_REGION, key: e.SPEECH_KEY, voice: e.SPEECH_VOICE }
          : undefined,
      clockAt: e.MENUS_CLOCK ? Date.parse(e.MENUS_CLOCK) : undefined,
      selfServiceAllowHttpLoopback: e.SELF_SERVICE_ALLOW_HTTP_LOOPBACK,
      selfServiceSecretKey: e.SELF_SERVICE_SECRET_KEY,
    },
    reporting: {
      queueName: reportingQueueName({
        REPORTING_QUEUE_NAME: e.REPORTING_QUEUE_NAME,
        CALL_EVENTS_QUEUE_NAME: e.CALL_EVENTS_QUEUE_NAME,
      }),
    },
  });
}
export * from './table';
