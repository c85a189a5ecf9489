/**
 * A real Chromium for the portal's tests: Debian's `chromium` found on PATH (CHROMIUM_PATH overrides), driven by
 * playwright-core, headless with a fresh profile. Helpers sign in through the simulator's Entra sign-in page, check a
 * page with axe-core and save screenshots under test-results/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'test-results');

export function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const file = path.join(dir, name);
      try {
        if (statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  throw new Error('chromium is not on PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

export interface TestBrowser {
  context: BrowserContext;
  /** Content-Security-Policy violations Chromium reported on any page. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** A fresh browser profile (own user-data-dir) at the given window size. */
export async function launch(viewport = { width: 1280, height: 800 }): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: true,
    viewport,
    // The simulator's Entra speaks HTTPS with its own local CA.
    ignoreHTTPSErrors: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const cspViolations: string[] = [];
  context.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return {
    context,
    cspViolations,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the portal's button and the simulator's Entra page, picking the person by UPN. */
export async function signIn(page: Page, origin: string, upn: string): Promise<void> {
  await page.goto(`${origin}/api/portal/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/oauth2\/v2\.0\/authorize/);
  await page.getByRole('button', { name: new RegExp(upn.replace(/[.]/g, '\\.')) }).click();
  await page.getByRole('navigation', { name: 'Portal' }).waitFor({ timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true, timeout: 60_000 });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (injected over DevTools, not a script tag). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as {
      axe: { run: (context: unknown) => Promise<{ violations: unknown[] }> };
      document: unknown;
    };
    // Tabster's focus sentinels (Fluent UI's focus management: aria-hidden <i tabindex=0> that pass focus on) are
    // excluded; axe counts them as focusable hidden content.
    return (await page.axe.run({ include: [page.document], exclude: [['[data-tabster-dummy]']] })).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}
