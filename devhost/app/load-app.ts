/**
 * Loads a v4 app's entry files into this process, the way the Node.js worker does: CommonJS files with `require`,
 * ES modules (`.mjs`, or `.js` under `"type": "module"`) with `import()`. The `@azure/functions-core` stand-in must be
 * installed before (see core-api.ts); every `app.*` call in those files then lands in the registry.
 */
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/settings';
import type { Logger } from '../types';
import { hasGlobMagic, readAppPackage, resolveEntryFiles } from './entry-files';

/** Real dynamic import (TypeScript's CommonJS output would turn a plain `import()` into `require`). */
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export interface EntryResolution {
  main: string;
  files: string[];
  type?: string;
}

/**
 * Resolves `main` to files; when none exist and the app has a `build` script, runs `npm run build` in the app folder
 * once and tries again (like `func start` with the TypeScript template's prestart build).
 */
export function resolveAppEntry(appDir: string, logger: Logger, options: { build?: boolean } = {}): EntryResolution {
  const pkg = readAppPackage(appDir);
  if (!pkg.main) {
    throw new ConfigError(
      `${pkg.file} has no "main": set it to the entry file or a glob (e.g. "dist/src/functions/*.js")`,
    );
  }
  let files = resolveEntryFiles(appDir, pkg.main);
  if (files.length === 0 && options.build !== false && pkg.scripts?.build) {
    logger.info(`"${pkg.main}" matches no files yet: running \`npm run build\` in ${appDir}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', 'build'], { cwd: appDir, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.error) throw new ConfigError(`npm run build failed to start: ${result.error.message}`);
    if (result.status !== 0) throw new ConfigError(`npm run build in ${appDir} failed with exit code ${result.status}`);
    files = resolveEntryFiles(appDir, pkg.main);
  }
  if (files.length === 0) {
    throw new ConfigError(
      hasGlobMagic(pkg.main)
        ? `package.json "main" glob "${pkg.main}" matches no files in ${appDir}`
        : `package.json "main" file "${pkg.main}" does not exist in ${appDir}`,
    );
  }
  return { main: pkg.main, files, type: pkg.type };
}

/** Loads every entry file in order; an error names the file (the worker's "Worker was unable to load entry point"). */
export async function loadEntryFiles(entry: EntryResolution): Promise<void> {
  for (const file of entry.files) {
    try {
      const isEsm = file.endsWith('.mjs') || (file.endsWith('.js') && entry.type === 'module');
      if (isEsm) await dynamicImport(pathToFileURL(file).href);
      else require(file);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const wrapped = new Error(`Unable to load entry point "${file}": ${e.message}`);
      wrapped.stack = `${wrapped.message}\n${e.stack ?? ''}`;
      throw wrapped;
    }
  }
}
