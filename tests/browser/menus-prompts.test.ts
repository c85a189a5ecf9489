/**
 * The portal's caller-experience pages and the agent's call card in a real browser against the whole system
 * (simulator + devhost), signed in through the simulator's Entra page: an admin uploads a prompt (a 44.1 kHz WAV is
 * refused on its sampleRate field, a 16 kHz one is listed and plays in an <audio> element from the API's media
 * route), creates a menu with an option and a business-hours block (a range that ends before it starts is marked on
 * its field), is refused a cycle with the leading action marked, and binds an endpoint to the menu; an agent sees a
 * call placed through the simulator ring, then connect, with the caller's number on the card. Every page passes
 * axe-core without CSP violations (the styles carry the page's nonce) or uncaught page errors.
 */
import type { Page } from 'playwright-core';
import { encodeWav } from '../../shared/menus';
import { startSystem, type System } from '../../scripts/lib/system';
import { callsTenant, placeCall, provisionedEndpoint } from '../support/calls-system';
import { checked, signIn, withPage } from './browser';

const NUMBER = '+14255550104';
const CALLER = '+15557770000';
const tenant = callsTenant([NUMBER]);
let system: System;
let admin: string;
let endpointUpn: string;

const api = async <T>(method: string, path: string, body?: unknown, token = admin): Promise<T> => {
  const res = await system.api(method, `/api/tenants/${tenant.tenantId}${path}`, { token, body });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
};

/** What the test reads of the page's <audio> element (the tests compile without the DOM library). */
interface AudioLike {
  duration: number;
  error: { code: number } | null;
  preload: string;
  load(): void;
  addEventListener(type: string, listener: () => void, options?: { once: boolean }): void;
}

/** One second of a 440 Hz tone at `rate` Hz, mono 16-bit. */
function tone(rate: number): Buffer {
  const samples = new Int16Array(rate);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return encodeWav(samples, rate);
}

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  await api('PUT', '/callQueues/sales', {
    name: 'Sales',
    routingMethod: 'longestIdle',
    agents: [{ userPrincipalName: 'agent01@contoso.com' }],
  });
  endpointUpn = await provisionedEndpoint(tenant, NUMBER, { callQueueId: 'sales' });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const withBrowser = (fn: (page: Page) => Promise<void>, viewport?: { width: number; height: number }) =>
  withPage(system.simulator.ca, fn, viewport);

test('an admin uploads and plays a prompt, builds a menu with business hours, and binds an endpoint to it', async () => {
  await withBrowser(async (page) => {
    await signIn(page, system.origin, 'admin@contoso.com');
    const nav = page.getByRole('navigation', { name: 'Portal' });

    await nav.getByRole('link', { name: 'Prompts' }).click();
    await page.getByRole('table', { name: 'Prompts' }).getByRole('cell', { name: 'closed', exact: true }).waitFor();
    await page.getByLabel('Prompt name').fill('welcome-portal');
    const file = page.locator('input[name="promptFile"]');
    await file.setInputFiles({ name: 'welcome.wav', mimeType: 'audio/wav', buffer: tone(44_100) });
    await page.getByRole('button', { name: 'Upload prompt' }).click();
    // The API's check of the WAV, on the file's field.
    await page.getByText(/sampleRate: is 44100 Hz; must be 16000/).waitFor();
    await checked(page, 'admin-prompt-error');
    await file.setInputFiles({ name: 'welcome.wav', mimeType: 'audio/wav', buffer: tone(16_000) });
    await page.getByRole('button', { name: 'Upload prompt' }).click();
    await page.getByRole('status').filter({ hasText: 'Prompt welcome-portal uploaded.' }).waitFor();
    const row = page.getByRole('table', { name: 'Prompts' }).getByRole('row').filter({ hasText: 'welcome-portal' });
    await row.getByText('1.0 s').waitFor();
    // It plays: the browser loads the audio from the media route (CSP media-src 'self') and can play it.
    const played = await row.locator('audio').evaluate(
      (audio: AudioLike) =>
        new Promise<string>((resolve) => {
          audio.addEventListener('canplaythrough', () => resolve(`ok ${audio.duration.toFixed(1)}`), { once: true });
          audio.addEventListener('error', () => resolve(`error ${audio.error?.code}`), { once: true });
          audio.preload = 'auto';
          audio.load();
        }),
    );
    expect(played).toBe('ok 1.0');
    await checked(page, 'admin-prompts');

    await nav.getByRole('link', { name: 'Menus' }).click();
    await page.getByLabel('New menu id').fill('portal-main');
    await page.getByRole('button', { name: 'Create menu' }).click();
    await page.getByRole('heading', { name: 'New menu portal-main' }).waitFor();
    await page.locator('input[name="name"]').fill('Portal main');
    await page.getByLabel('Greeting', { exact: true }).selectOption('prompt');
    await page.getByLabel('Greeting: prompt').selectOption('welcome-portal');
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByLabel('Option 1: key').selectOption('1');
    await page.getByLabel('Option 1: action', { exact: true }).selectOption('callQueue');
    await page.getByLabel('Option 1: action: call queue id').fill('sales');
    await page.getByRole('switch', { name: 'Always open' }).click();
    await page.getByLabel('Time zone').selectOption('Europe/Paris');
    await page.getByLabel('Range 1: to').fill('08:00');
    await page.getByRole('button', { name: 'Add holiday' }).click();
    await page.getByLabel('Holiday 1: date').fill('2026-12-25');
    await page.getByLabel('Holiday 1: name').fill('Christmas');
    await page.getByLabel('Closed greeting', { exact: true }).selectOption('prompt');
    await page.getByLabel('Closed greeting: prompt').selectOption('closed');
    await page.getByRole('button', { name: 'Create menu' }).click();
    // The API names businessHours.weekly[0].to; the page marks that input.
    await page.locator('input[name="businessHours.weekly[0].to"][aria-invalid="true"]').waitFor();
    await page.getByText(/from must be before to/).waitFor();
    await checked(page, 'admin-menu-error');
    await page.getByLabel('Range 1: to').fill('17:00');
    await page.getByRole('button', { name: 'Create menu' }).click();
    await page.getByRole('status').filter({ hasText: 'Menu created.' }).waitFor();
    expect(await api('GET', '/menus/portal-main')).toMatchObject({
      name: 'Portal main',
      greeting: { prompt: 'welcome-portal' },
      options: [{ key: '1', action: { kind: 'callQueue', queueId: 'sales' } }],
      businessHours: {
        timeZone: 'Europe/Paris',
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
        holidays: [{ date: '2026-12-25', name: 'Christmas' }],
        closedGreeting: { prompt: 'closed' },
        closedAction: { kind: 'disconnect' },
      },
    });
    await checked(page, 'admin-menu-created');

    // A menu that leads back here: the cycle is refused, and the action that closes it is marked.
    await api('PUT', '/menus/portal-sub', {
      greeting: { prompt: 'please-hold' },
      options: [{ key: '9', action: { kind: 'menu', menuId: 'portal-main' } }],
      noInputAction: { kind: 'disconnect' },
    });
    await page.getByRole('button', { name: 'Add option' }).click();
    await page.getByLabel('Option 2: action', { exact: true }).selectOption('menu');
    await page.getByLabel('Option 2: action: menu id').fill('portal-sub');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'portal-main → portal-sub → portal-main' }).waitFor();
    await page.locator('select[name="options[1].action.kind"][aria-invalid="true"]').waitFor();
    await checked(page, 'admin-menu-cycle');

    await page.goto(`${system.origin}/api/portal/endpoints/${encodeURIComponent(endpointUpn)}`);
    await page.getByRole('heading', { name: 'Where calls go' }).waitFor();
    await page.getByLabel('Send calls to').selectOption('menuId');
    await page.getByLabel('Menu', { exact: true }).selectOption('portal-main');
    await page.getByRole('button', { name: 'Bind endpoint' }).click();
    await page.getByRole('status').filter({ hasText: 'Calls now go to menu portal-main.' }).waitFor();
    expect(await api('GET', `/endpoints/${encodeURIComponent(endpointUpn)}`)).toMatchObject({ menuId: 'portal-main' });
    await checked(page, 'admin-endpoint-binding');
  });
});

test("an agent's card shows a call ringing, then connected, with the caller's number", async () => {
  // Calls on the endpoint go straight to the Sales call queue; agent01 answers after 8 s (an invitation rings 15 s).
  await api('PATCH', `/endpoints/${encodeURIComponent(endpointUpn)}`, { queueId: 'sales' });
  await system.sim('POST', '/_sim/agents/agent01@contoso.com/profile', { answerDelayMs: 8_000, answerProbability: 1 });
  await withBrowser(async (page) => {
    await signIn(page, system.origin, 'agent01@contoso.com');
    await page.getByRole('heading', { name: 'Agent view' }).waitFor();
    await page
      .getByRole('table', { name: 'Your call queues' })
      .getByRole('cell', { name: 'sales', exact: true })
      .waitFor();
    await placeCall(system, tenant.tenantId, NUMBER, { from: CALLER, handleTimeS: 120 });
    const card = page.getByRole('region', { name: 'Your call' });
    await card.filter({ hasText: 'Ringing' }).filter({ hasText: CALLER }).waitFor({ timeout: 60_000 });
    await checked(page, 'agent-call-ringing');
    await card.filter({ hasText: 'Connected' }).filter({ hasText: CALLER }).waitFor({ timeout: 60_000 });
    await checked(page, 'agent-call-connected');
    // A supervisor reading the same row sees the number masked; an admin sees it whole.
    const supervisor = await system.token(['Switchboard.Supervisor'], { tenantId: tenant.tenantId, queues: ['sales'] });
    const rowOf = async (token: string) =>
      (
        await api<{ items: { userPrincipalName: string; currentCall?: { callerPhone?: string } }[] }>(
          'GET',
          '/agents?callQueueId=sales',
          undefined,
          token,
        )
      ).items.find((a) => a.userPrincipalName === 'agent01@contoso.com');
    expect((await rowOf(supervisor))?.currentCall?.callerPhone).toBe('+*******0000');
    expect((await rowOf(admin))?.currentCall?.callerPhone).toBe(CALLER);
  });
});
