/**
 * The portal in a real browser against the whole system (simulator + devhost), signed in through the simulator's
 * Entra page with MSAL.js: an admin adds an endpoint and watches it reach Provisioned, uploads a CSV with a bad row,
 * a supervisor gets the read-only view (the agent view and the contact-center pages: contact-center.test.ts). Every
 * page passes axe-core without serious or critical violations and without Content-Security-Policy violations;
 * screenshots land in test-results/.
 */
import { startSystem, type System } from '../../scripts/lib/system';
import { FAST_FAULTS, FAST_WAITS, uniqueUpn } from '../support/endpoints-api';
import { inBrowser, screenshot, seriousViolations, signIn, type TestBrowser } from './browser';

let system: System;
beforeAll(async () => {
  system = await startSystem({ faults: FAST_FAULTS, env: { PROVISIONING_WAITS: FAST_WAITS } });
});
afterAll(async () => {
  await system?.stop();
});

const withBrowser = (fn: (b: TestBrowser) => Promise<void>, viewport?: { width: number; height: number }) =>
  inBrowser(system.simulator.ca, fn, viewport);

test('the portal serves deep links, caches assets for good and sends a strict CSP', async () => {
  const index = await fetch(`${system.origin}/api/portal/endpoints/some@contoso.com`);
  expect(index.status).toBe(200);
  expect(index.headers.get('cache-control')).toBe('no-store');
  const csp = index.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain(`connect-src 'self' ${new URL(system.simulator.url).origin}`);
  expect(csp).toContain("media-src 'self'");
  // Fluent UI's run-time styles carry the page's nonce: no 'unsafe-inline', and a fresh nonce on every load.
  expect(csp).not.toContain('unsafe-inline');
  const nonce = /style-src 'self' 'nonce-([A-Za-z0-9+/=]{22,})'/.exec(csp)?.[1];
  expect(nonce).toBeDefined();
  const html = await index.text();
  expect(html).toContain(`<meta property="csp-nonce" nonce="${nonce}"`);
  const again = await fetch(`${system.origin}/api/portal/`);
  expect(again.headers.get('content-security-policy')).not.toContain(nonce);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const asset = /src="(\/api\/portal\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(asset).toBeDefined();
  const js = await fetch(`${system.origin}${asset}`);
  expect(js.status).toBe(200);
  expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect((await fetch(`${system.origin}/api/portal/assets/missing.js`)).status).toBe(404);
  const config = (await (await fetch(`${system.origin}/api/portal/config.json`)).json()) as Record<string, unknown>;
  expect(config).toMatchObject({
    clientId: system.simulator.settings.portal.clientId,
    authority: system.simulator.settings.portal.authority,
    apiScope: 'api://switchboard/.default',
  });
});

test('an admin adds an endpoint and watches it reach Provisioned', async () => {
  await withBrowser(async ({ context }) => {
    const page = await context.newPage();
    await signIn(page, system.origin, 'admin@contoso.com');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // The consent of both vendor apps: the bot's card and the web app's (WEB_APP_ID).
    await page.getByRole('heading', { name: 'Web app consent' }).waitFor();
    expect(await page.getByText('Granted (').count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-overview');

    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('heading', { name: 'Add an endpoint' }).waitFor();
    // Field-by-field errors: first the portal's own checks, then the API's problem+json.
    await page.getByLabel('User principal name').fill('portal-error@contoso.com');
    await page.getByLabel('Display name').fill('Portal test');
    await page.getByLabel('Phone number').fill('12345');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByText('Enter the number in E.164 form, like +14255550100.').waitFor();
    await page.getByText('Choose the number type.').waitFor();
    await page.getByLabel('Phone number').fill('');
    await page.getByLabel('Usage location').fill('ZZ');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.locator('input[name="usageLocation"][aria-invalid="true"]').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-endpoint-error');

    const upn = uniqueUpn(system, 'portal');
    await page.getByLabel('User principal name').fill(upn);
    await page.getByLabel('Usage location').fill('');
    // The number picker lists the tenant's free numbers; picking one fills its type and the usage location.
    await page.getByLabel('Free number').selectOption('+14255550123');
    expect(await page.getByLabel('Phone number').inputValue()).toBe('+14255550123');
    expect(await page.getByLabel('Number type').inputValue()).toBe('callingPlan');
    expect(await page.getByLabel('Usage location').inputValue()).toBe('US');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.getByRole('heading', { name: upn }).waitFor();
    await page.getByRole('list', { name: 'Step log' }).getByText('assignNumber').waitFor({ timeout: 60_000 });
    await page.locator('main').getByText('Provisioned', { exact: true }).first().waitFor({ timeout: 90_000 });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-endpoint-provisioned');

    await page.getByRole('link', { name: '← Endpoints' }).click();
    // The run's storage is shared with other tests: the new endpoint may sit on a later page.
    await page.getByRole('table', { name: 'Endpoints' }).getByRole('link').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-endpoints');

    await page.getByRole('link', { name: 'Drift' }).click();
    await page.getByRole('table', { name: 'Drift findings' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-drift');
    await page.getByRole('button', { name: 'Check now' }).click();
    // The check was accepted and the page follows it (its length depends on every endpoint in the shared storage).
    await page.getByRole('button', { name: 'Checking…' }).waitFor();
  });
});

test('an admin uploads a CSV with a bad row and sees that row refused', async () => {
  await withBrowser(async ({ context }) => {
    const page = await context.newPage();
    await signIn(page, system.origin, 'admin@contoso.com');
    await page.getByRole('link', { name: 'Bulk import' }).click();
    const good = uniqueUpn(system, 'bulk');
    const csv = [
      'userPrincipalName,displayName,phoneNumber,numberType',
      `${good},Bulk good,,`,
      `${uniqueUpn(system, 'bulk')},Bulk bad,+14255550155,callingPlan`,
    ].join('\n');
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'endpoints.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload' }).click();
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    await rejected.waitFor();
    await rejected.getByRole('cell', { name: 'phoneNumber' }).waitFor();
    expect(await rejected.getByRole('row').count()).toBe(2);
    await page.getByText('Progress: 100%').waitFor({ timeout: 90_000 });
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download results CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^bulk-.+\.csv$/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-bulk');
  });
});

test('a supervisor sees the read-only view, on a wall screen in the dark theme', async () => {
  await withBrowser(
    async ({ context }) => {
      const page = await context.newPage();
      await signIn(page, system.origin, 'supervisor@contoso.com');
      const nav = page.getByRole('navigation', { name: 'Portal' });
      await expect(nav.getByRole('link').allTextContents()).resolves.toEqual([
        'Overview',
        'Endpoints',
        'Drift',
        'Call queues',
        'Menus',
        'Self-services',
        'Prompts',
        'Wallboard',
        'Calls',
        'Reports',
      ]);
      await page.getByRole('switch', { name: 'Dark theme' }).check();
      await page.getByRole('link', { name: 'Endpoints' }).click();
      await page.getByRole('table', { name: 'Endpoints' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Add an endpoint' }).count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, 'supervisor-endpoints-dark');
      await page.getByRole('link', { name: 'Drift' }).click();
      await page.getByRole('table', { name: 'Drift findings' }).waitFor();
      expect(await page.getByRole('button', { name: 'Check now' }).count()).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      // A deep link to a page the role does not have lands on the first page it has.
      await page.goto(`${system.origin}/api/portal/bulk`);
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await screenshot(page, 'supervisor-overview-dark');
    },
    { width: 1920, height: 1080 },
  );
});
