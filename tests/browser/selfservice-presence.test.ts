/**
 * The portal's self-service and presence-connection pages in a real browser against the whole system (simulator +
 * devhost), signed in through the simulator's Entra page: an admin creates a self-service (a short secret and digits
 * whose fewest exceed their most are marked on their fields first), picks it as a menu option's action, and is refused
 * its deletion while the menu uses it (409, shown on the page); on the Overview the presence connection reads "not
 * connected", and "Connect presence" sends the window to the simulator's Entra sign-in page for the bot, where signing
 * in connects the tenant. Every page passes axe-core without CSP violations or uncaught page errors.
 */
import type { Page } from 'playwright-core';
import { startSystem, type System } from '../../scripts/lib/system';
import { callsTenant } from '../support/calls-system';
import { checked, signIn, withPage } from './browser';

const tenant = callsTenant(['+14255550106']);
let system: System;
let admin: string;

const api = async <T>(method: string, path: string): Promise<T> => {
  const res = await system.api(method, `/api/tenants/${tenant.tenantId}${path}`, { token: admin });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
};

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const withBrowser = (fn: (page: Page) => Promise<void>, viewport?: { width: number; height: number }) =>
  withPage(system.simulator.ca, fn, viewport);

test('an admin creates a self-service (field errors first) and makes it a menu option; deleting it is refused', async () => {
  await withBrowser(async (page) => {
    await signIn(page, system.origin, 'admin@contoso.com');
    const nav = page.getByRole('navigation', { name: 'Portal' });

    await nav.getByRole('link', { name: 'Self-services' }).click();
    await page.getByRole('table', { name: 'Self-services' }).getByText('No self-services yet.').waitFor();
    await page.getByLabel('New self-service id').fill('balance');
    await page.getByRole('button', { name: 'Create self-service' }).click();
    await page.getByRole('heading', { name: 'New self-service balance' }).waitFor();
    await page.locator('input[name="name"]').fill('Balance');
    await page.locator('input[name="url"]').fill('https://lob.contoso.com/balance');
    await page.locator('input[name="secret"]').fill('too-short');
    await page.getByLabel('Item 1: name').fill('account');
    await page.getByLabel('Item 1: fewest digits').fill('6');
    await page.getByLabel('Item 1: most digits').fill('4');
    await page.getByLabel('Item 1: prompt', { exact: true }).selectOption('prompt');
    await page.getByLabel('Item 1: prompt: prompt').selectOption('please-hold');
    await page.getByRole('switch', { name: /back to the menu/ }).click();
    await page.getByLabel('Fallback', { exact: true }).selectOption('disconnect');
    await page.getByRole('button', { name: 'Create self-service' }).click();
    // The API names secret and collect[0].digits.max; the page marks those inputs.
    await page.locator('input[name="collect[0].digits.max"][aria-invalid="true"]').waitFor();
    await page.getByText(/min must not exceed max/).waitFor();
    await page.locator('input[name="secret"][aria-invalid="true"]').waitFor();
    await page.getByText(/must be at least 16 characters/).waitFor();
    await checked(page, 'admin-selfservice-error');

    await page.locator('input[name="secret"]').fill('a-shared-secret-0123456789');
    await page.getByLabel('Item 1: most digits').fill('8');
    await page.getByRole('button', { name: 'Create self-service' }).click();
    await page.getByRole('status').filter({ hasText: 'Self-service created.' }).waitFor();
    // The secret is write-only: the form now says it is set and holds none.
    await page.getByText('Secret set (never shown).').waitFor();
    expect(await page.locator('input[name="secret"]').inputValue()).toBe('');
    const stored = await api<Record<string, unknown>>('GET', '/selfServices/balance');
    expect(stored).toMatchObject({
      name: 'Balance',
      url: 'https://lob.contoso.com/balance',
      secretSet: true,
      collect: [{ name: 'account', prompt: { prompt: 'please-hold' }, digits: { min: 6, max: 8 }, terminator: '#' }],
      fallback: { kind: 'disconnect' },
    });
    expect(JSON.stringify(stored)).not.toContain('a-shared-secret');
    await checked(page, 'admin-selfservice-created');

    await nav.getByRole('link', { name: 'Menus' }).click();
    await page.getByLabel('New menu id').fill('balance-menu');
    await page.getByRole('button', { name: 'Create menu' }).click();
    await page.getByRole('heading', { name: 'New menu balance-menu' }).waitFor();
    await page.getByLabel('Greeting', { exact: true }).selectOption('prompt');
    await page.getByLabel('Greeting: prompt').selectOption('please-hold');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByLabel('Option 1: action', { exact: true }).selectOption('selfService');
    await page.getByLabel('Option 1: action: self-service').selectOption('balance');
    await page.getByRole('button', { name: 'Create menu' }).click();
    await page.getByRole('status').filter({ hasText: 'Menu created.' }).waitFor();
    expect(await api('GET', '/menus/balance-menu')).toMatchObject({
      options: [{ key: '0', action: { kind: 'selfService', serviceId: 'balance' } }],
    });
    await checked(page, 'admin-menu-selfservice');

    // While the menu leads to it, the self-service cannot be deleted: the 409 shows on its page.
    await nav.getByRole('link', { name: 'Self-services' }).click();
    await page.getByRole('table', { name: 'Self-services' }).getByRole('link', { name: 'balance' }).click();
    await page.getByRole('button', { name: 'Delete self-service' }).click();
    await page.getByRole('alert').filter({ hasText: 'menu(s) balance-menu' }).waitFor();
    await api('GET', '/selfServices/balance');
  });
});

test('the Overview shows presence not connected; Connect presence leads to the sign-in page, which connects it', async () => {
  await withBrowser(async (page) => {
    await signIn(page, system.origin, 'admin@contoso.com');
    await page.getByRole('heading', { name: 'Presence connection' }).waitFor();
    await page.getByText('not connected', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByText('Subscriptions off').waitFor();
    await checked(page, 'admin-presence-not-connected');

    await page.getByRole('button', { name: 'Connect presence' }).click();
    await page.waitForURL(/\/oauth2\/v2\.0\/authorize/, { timeout: 30_000 });
    const authorize = new URL(page.url());
    expect(authorize.pathname).toBe(`/${tenant.tenantId}/oauth2/v2.0/authorize`);
    expect(authorize.searchParams.get('client_id')).toBe(system.env.BOT_APP_ID.toLowerCase());
    expect(authorize.searchParams.get('scope')).toBe('https://graph.microsoft.com/Presence.Read.All offline_access');
    await page.getByRole('heading', { name: 'Pick an account' }).waitFor();

    // Signing in there: Entra sends the browser to the app's callback, which connects the tenant.
    await page.getByRole('button', { name: /admin@contoso\.com/ }).click();
    await page.waitForURL(/\/api\/presence\/connect\/callback/, { timeout: 30_000 });
    expect(await api('GET', '/presence/connection')).toMatchObject({ connected: true });
    await page.goto(`${system.origin}/api/portal/overview`);
    await page.getByText(/^Connected by /).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Disconnect' }).waitFor();
    await checked(page, 'admin-presence-connected');
  });
});
