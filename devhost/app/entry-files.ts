/**
 * Finds the files a v4 app's package.json `main` names, the way the Node.js worker does: `main` is a path or a glob
 * (`dist/src/functions/*.js`, `src/{a,b}.js`, `dist/**\/*.js`). When they do not exist yet and the app has a `build`
 * script (the TypeScript template), the caller builds first, as `func start` does via its prestart script.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/settings';

export interface AppPackage {
  file: string;
  main?: string;
  type?: string;
  scripts?: Record<string, string>;
}

export function readAppPackage(appDir: string): AppPackage {
  const file = path.join(appDir, 'package.json');
  if (!existsSync(file))
    throw new ConfigError(`${file} not found: a Node.js function app needs a package.json with "main"`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object') throw new ConfigError(`${file} must contain a JSON object`);
  const pkg = parsed as Record<string, unknown>;
  return {
    file,
    main: typeof pkg.main === 'string' ? pkg.main : undefined,
    type: typeof pkg.type === 'string' ? pkg.type : undefined,
    scripts: pkg.scripts && typeof pkg.scripts === 'object' ? (pkg.scripts as Record<string, string>) : undefined,
  };
}

export function hasGlobMagic(pattern: string): boolean {
  return /[*?[\]{}]/.test(pattern);
}

/** Absolute paths of the entry files (sorted, for a stable load order); empty when nothing matches. */
export function resolveEntryFiles(appDir: string, main: string): string[] {
  const normalized = main.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!hasGlobMagic(normalized)) {
    const file = path.resolve(appDir, normalized);
    for (const candidate of [file, `${file}.js`, `${file}.cjs`, `${file}.mjs`, path.join(file, 'index.js')]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return [candidate];
    }
    return [];
  }
  const segments = normalized.split('/');
  const firstMagic = segments.findIndex(hasGlobMagic);
  const baseDir = path.resolve(appDir, ...segments.slice(0, firstMagic));
  const matcher = globToRegExp(segments.slice(firstMagic).join('/'));
  const found: string[] = [];
  walk(baseDir, '', (rel, abs) => {
    if (matcher.test(rel)) found.push(abs);
  });
  return found.sort();
}

function walk(dir: string, rel: string, visit: (rel: string, abs: string) => void): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const abs = path.join(dir, entry.name);
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(abs, r, visit);
    else if (entry.isFile()) visit(r, abs);
  }
}

/** A small glob → RegExp: `**` (any depth), `*`, `?`, `[abc]`, `{a,b}`. Matches forward-slash relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braceDepth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        if (glob[i + 2] === '/') {
          re += '(?:[^/]+/)*';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
      } else {
        re += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (ch === '{') {
      braceDepth++;
      re += '(?:';
    } else if (ch === '}' && braceDepth > 0) {
      braceDepth--;
      re += ')';
    } else if (ch === ',' && braceDepth > 0) {
      re += '|';
    } else {
      re += ch.replace(/[.+^$()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}
