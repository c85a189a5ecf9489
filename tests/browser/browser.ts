/**
 * A real Chromium for the portal's tests: Debian's `chromium` found on PATH (CHROMIUM_PATH overrides), driven by
 * playwright-core, headless with a fresh profile. Chromium trusts the simulator's CA the way a person's browser would
 * trust a company CA: it is added to the NSS certificate database Chromium reads on Linux ($HOME/.pki/nssdb, with a
 * HOME of the profile's own), with `certutil` from Debian's `libnss3-tools` — no certificate errors are ignored.
 * Helpers sign in through the simulator's Entra sign-in page, check a page with axe-core and save screenshots under
 * test-results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'test-results');

function onPath(names: string[]): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of names) {
      const file = path.join(dir, name);
      try {
        if (statSync(file).isFile()) return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const found = onPath(['chromium', 'chromium-browser']);
  if (found) return found;
  throw new Error('chromium is not on PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
}

/** A HOME whose NSS database trusts `caPem` as a root for TLS servers (what Chromium on Linux reads). */
export function homeTrusting(dir: string, caPem: string): string {
  const certutil = onPath(['certutil']);
  if (!certutil) throw new Error('certutil is not on PATH: apt-get install -y libnss3-tools');
  const home = path.join(dir, 'home');
  const db = path.join(home, '.pki', 'nssdb');
  mkdirSync(db, { recursive: true });
  const caFile = path.join(dir, 'simulator-ca.pem');
  writeFileSync(caFile, caPem);
  execFileSync(certutil, ['-N', '-d', `sql:${db}`, '--empty-password'], { stdio: 'pipe' });
  execFileSync(certutil, ['-A', '-d', `sql:${db}`, '-n', 'Switchboard simulator CA', '-t', 'C,,', '-i', caFile], {
    stdio: 'pipe',
  });
  return home;
}

export interface TestBrowser {
  context: BrowserContext;
  /** Content-Security-Policy violations Chromium reported on any page. */
  cspViolations: string[];
  /** Uncaught errors thrown in any page (a crashed render leaves a blank page that axe would pass). */
  pageErrors: string[];
  close(): Promise<void>;
}

/** A fresh browser profile (own user-data-dir and HOME) trusting `caPem` (the simulator's CA), at the given size. */
export async function launch(caPem: string, viewport = { width: 1280, height: 800 }): Promise<TestBrowser> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-chromium-'));
  const userDataDir = path.join(dir, 'profile');
  // The simulator's Entra speaks HTTPS with its own local CA: trusted, not ignored.
  const home = homeTrusting(dir, caPem);
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: findChromium(),
    headless: true,
    viewport,
    // Fluent UI's colour transitions (a button enabled again after a save) honour reduced motion: axe then measures
    // the colours the page settles on, not a frame half way through a 100 ms fade.
    reducedMotion: 'reduce',
    env: { ...process.env, HOME: home } as Record<string, string>,
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
  const pageErrors: string[] = [];
  context.on('weberror', (e) => pageErrors.push(e.error().stack ?? e.error().message));
  context.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  return {
    context,
    cspViolations,
    pageErrors,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
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

type Viewport = { width: number; height: number };

/**
 * Runs `fn` in a fresh browser that trusts `caPem`, then fails the test on any CSP violation or uncaught page error
 * the run caused; the browser is closed either way.
 */
export async function inBrowser(
  caPem: string,
  fn: (browser: TestBrowser) => Promise<void>,
  viewport?: Viewport,
): Promise<void> {
  const browser = await launch(caPem, viewport);
  try {
    await fn(browser);
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  } finally {
    await browser.close();
  }
}

/** {@link inBrowser} with one new page. */
export function withPage(caPem: string, fn: (page: Page) => Promise<void>, viewport?: Viewport): Promise<void> {
  return inBrowser(caPem, async (browser) => fn(await browser.context.newPage()), viewport);
}

/** The page as it is now has no serious accessibility violation; then its screenshot. */
export async function checked(page: Page, name: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, name);
}
