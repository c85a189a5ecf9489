/**
 * App settings the way `func start` builds them: local.settings.json `Values` are added to the app's environment,
 * but a variable already set in the environment wins. Binding expressions `%Name%` resolve from those settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface LocalSettings {
  IsEncrypted?: boolean;
  Values?: Record<string, string>;
  Host?: { LocalHttpPort?: number; CORS?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Reads `<appDir>/local.settings.json` (absent → empty). Refuses encrypted files, as there is no key locally. */
export function readLocalSettings(appDir: string): LocalSettings {
  const file = path.join(appDir, 'local.settings.json');
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripBom(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`${file} must contain a JSON object`);
  }
  const settings = parsed as LocalSettings;
  if (settings.IsEncrypted === true) {
    throw new ConfigError(
      `${file} has "IsEncrypted": true. The devhost cannot decrypt it (func encrypts with a machine key); ` +
        'run `func settings decrypt` where it was encrypted, or write the values in plain text.',
    );
  }
  if (settings.Values !== undefined && (typeof settings.Values !== 'object' || Array.isArray(settings.Values))) {
    throw new ConfigError(`${file}: "Values" must be an object of strings`);
  }
  return settings;
}

/**
 * Merges `Values` into `env` (mutating it, like the worker's process environment): existing variables win.
 * Non-string values are stringified, as the host reads every setting as a string.
 * Returns the names that were applied.
 */
export function applySettingsToEnv(values: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values ?? {})) {
    if (env[name] !== undefined) continue;
    if (value === null || value === undefined) continue;
    env[name] = typeof value === 'string' ? value : String(value);
    applied.push(name);
  }
  return applied;
}

/**
 * Resolves `%Name%` binding expressions (whole value or embedded, e.g. `orders-%ENV%`) from settings. An unknown
 * setting is an error, as in the host ("'%X%' does not resolve to a value"). `%%` is not special.
 */
export function resolveSettingExpression(value: string, settings: Record<string, string | undefined>): string {
  return value.replace(/%([^%\s]+)%/g, (_m, name: string) => {
    const resolved = lookupSetting(settings, name);
    if (resolved === undefined)
      throw new ConfigError(`'%${name}%' does not resolve to a value (no app setting "${name}")`);
    return resolved;
  });
}

/** Looks a setting up by exact name, then case-insensitively (app settings are case-insensitive on Windows/Azure). */
export function lookupSetting(settings: Record<string, string | undefined>, name: string): string | undefined {
  if (settings[name] !== undefined) return settings[name];
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(settings)) if (k.toLowerCase() === lower && v !== undefined) return v;
  return undefined;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
