/**
 * The portal's contact-center pages in a real browser against the whole system (simulator + devhost), signed in
 * through the simulator's Entra page: a supervisor edits their call queue (a setting saved; an overflow into a call
 * queue they do not supervise refused on its field; an agent's skills, a bad level refused field by field) and is
 * refused another; an admin creates a call queue and assigns it a supervisor (field errors inline), watches calls
 * placed through the simulator change the wallboard's tiles in wall mode, follows a live call to its story, and opens
 * the reports; an agent opts out of a call queue. Every page passes axe-core (no serious or critical violation)
 * without Content-Security-Policy violations or uncaught page errors; screenshots land in test-results/.
 */
import type { Page } from 'playwright-core';
import { startSystem, type System } from '../../scripts/lib/system';
import { callsTenant, placeCall, provisionedEndpoint } from '../support/calls-system';
import { checked, screenshot, signIn, withPage } from './browser';

const NUMBER = '+14255550103';
const tenant = callsTenant([NUMBER]);
let system: System;
let admin: string;

interface AgentRow {
  userPrincipalName: string;
  skills: Record<string, number>;
  optedOut: string[];
}

const agentsOf = async (callQueueId: string): Promise<AgentRow[]> => {
  const res = await system.api('GET', `/api/tenants/${tenant.tenantId}/agents?callQueueId=${callQueueId}`, {
    token: admin,
  });
  return ((await res.json()) as { items: AgentRow[] }).items;
};

const callQueueOf = async (id: string): Promise<Record<string, unknown>> =>
  (await (
    await system.api('GET', `/api/tenants/${tenant.tenantId}/callQueues/${id}`, { token: admin })
  ).json()) as Record<string, unknown>;

beforeAll(async () => {
  system = await startSystem({ seed: tenant.seed });
  admin = await system.token(['Switchboard.Admin'], { tenantId: tenant.tenantId });
  const queues: [string, string, string[]][] = [
    ['sales', 'Sales', ['agent01@contoso.com', 'agent02@contoso.com']],
    ['support', 'Support', ['agent03@contoso.com']],
    ['billing', 'Billing', ['agent04@contoso.com']],
  ];
  for (const [id, name, upns] of queues) {
    const res = await system.api('PUT', `/api/tenants/${tenant.tenantId}/callQueues/${id}`, {
      token: admin,
      body: { name, routingMethod: 'longestIdle', agents: upns.map((userPrincipalName) => ({ userPrincipalName })) },
    });
    expect(res.status).toBe(201);
  }
  await provisionedEndpoint(tenant, NUMBER, { callQueueId: 'sales' });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const withBrowser = (fn: (page: Page) => Promise<void>, viewport?: { width: number; height: number }) =>
  withPage(system.simulator.ca, fn, viewport);

test('a supervisor edits their call queue and gets a clear refusal on another', async () => {
  await withBrowser(async (page) => {
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
    await nav.getByRole('link', { name: 'Call queues' }).click();
    const list = page.getByRole('table', { name: 'Call queues' });
    await list.getByRole('link', { name: 'sales' }).waitFor();
    // The API lists only the call queues this supervisor supervises.
    expect(await list.getByRole('link').allTextContents()).toEqual(['sales', 'support']);
    await checked(page, 'supervisor-callqueues');

    await list.getByRole('link', { name: 'sales' }).click();
    await page.getByRole('heading', { name: 'Call queue Sales' }).waitFor();
    // Their call queue's settings are theirs to change: the form, saved with PATCH (and If-Match).
    expect(await page.locator('select[name="routingMethod"]').inputValue()).toBe('longestIdle');
    await page.locator('input[name="agentAlertTimeS"]').fill('45');
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await save.click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await callQueueOf('sales')).toMatchObject({ agentAlertTimeS: 45, routingMethod: 'longestIdle' });
    // Sending its overflow into a call queue they do not supervise is refused on the field; nothing is saved.
    await page.getByLabel('Overflow (maximum calls reached): action').selectOption('callQueue');
    await page.getByLabel('Overflow (maximum calls reached): target').fill('billing');
    await save.click();
    await page.getByText(/target: billing is not a call queue you supervise/).waitFor();
    expect((await callQueueOf('sales')).overflowAction).toEqual({ kind: 'disconnect' });
    await checked(page, 'supervisor-callqueue-action-refused');
    await page.getByLabel('Overflow (maximum calls reached): action').selectOption('disconnect');
    const agents = page.getByRole('table', { name: 'Agents now' });
    await agents.getByRole('button', { name: 'Edit skills of agent01@contoso.com' }).click();
    const skills = page.getByLabel('Skills of agent01@contoso.com');
    await skills.fill('french=9');
    await agents.getByRole('button', { name: 'Save skills' }).click();
    // The API's problem+json names the field (skills.french); the page shows it under the input.
    await page.locator('input[aria-label="Skills of agent01@contoso.com"][aria-invalid="true"]').waitFor();
    await checked(page, 'supervisor-skills-error');
    await skills.fill('french=4, sales=2');
    await agents.getByRole('button', { name: 'Save skills' }).click();
    await agents.getByText('french=4, sales=2').waitFor();
    const agent01 = (await agentsOf('sales')).find((a) => a.userPrincipalName === 'agent01@contoso.com');
    expect(agent01?.skills).toEqual({ french: 4, sales: 2 });
    await checked(page, 'supervisor-callqueue');

    await page.goto(`${system.origin}/api/portal/callqueues/billing`);
    const refusal = page.getByRole('alert').filter({ hasText: 'Not one of your call queues' });
    await refusal.waitFor();
    await page.getByRole('alert').filter({ hasText: '404' }).waitFor();
    expect(await page.locator('form').count()).toBe(0);
    await checked(page, 'supervisor-callqueue-refused');
  });
});

test('an admin creates a call queue, and calls placed through the simulator change the wallboard', async () => {
  await withBrowser(
    async (page) => {
      await signIn(page, system.origin, 'admin@contoso.com');
      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Call queues' }).click();
      await page.getByLabel('New call queue id').fill('portal-new');
      await page.getByRole('button', { name: 'Create call queue' }).click();
      await page.getByRole('heading', { name: 'New call queue portal-new' }).waitFor();
      await page.locator('input[name="name"]').fill('Portal new');
      await page.locator('input[name="agentAlertTimeS"]').fill('5');
      await page.getByLabel('Overflow (maximum calls reached): action').selectOption('callQueue');
      await page.getByLabel('Overflow (maximum calls reached): target').fill('Not An Id');
      await page.getByRole('button', { name: 'Add agent' }).click();
      await page.getByLabel('Agent 1', { exact: true }).fill('agent05@contoso.com');
      await page.getByRole('button', { name: 'Create call queue' }).click();
      // Each field the API named is marked where it is.
      await page.locator('input[name="agentAlertTimeS"][aria-invalid="true"]').waitFor();
      await page.getByText(/target: must be a call queue id/).waitFor();
      await checked(page, 'admin-callqueue-errors');
      await page.locator('input[name="agentAlertTimeS"]').fill('20');
      await page.getByLabel('Overflow (maximum calls reached): target').fill('sales');
      await page.getByRole('button', { name: 'Create call queue' }).click();
      await page.getByRole('status').filter({ hasText: 'Call queue created.' }).waitFor();
      const created = await system.api('GET', `/api/tenants/${tenant.tenantId}/callQueues/portal-new`, {
        token: admin,
      });
      expect(await created.json()).toMatchObject({
        name: 'Portal new',
        agentAlertTimeS: 20,
        overflowAction: { kind: 'callQueue', target: 'sales' },
        agents: [{ userPrincipalName: 'agent05@contoso.com' }],
      });
      const supervisor = page.getByLabel('Supervisor (user principal name)');
      await supervisor.fill('nobody@contoso.com');
      await page.getByRole('button', { name: 'Assign supervisor' }).click();
      await page.locator('input[name="supervisor"][aria-invalid="true"]').waitFor();
      await supervisor.fill('supervisor@contoso.com');
      await page.getByRole('button', { name: 'Assign supervisor' }).click();
      await page.getByRole('table', { name: 'Supervisors' }).getByText('supervisor@contoso.com').waitFor();
      await checked(page, 'admin-callqueue-created');

      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Wallboard' }).click();
      await page.getByRole('button', { name: 'Wall mode' }).click();
      await page.getByRole('button', { name: 'Leave wall mode' }).waitFor();
      expect(await page.getByRole('navigation', { name: 'Portal' }).count()).toBe(0);
      const tile = page.getByRole('article', { name: 'Call queue Sales' });
      await tile.waitFor();
      const figures = async () =>
        `${await tile.locator('dd').first().innerText()} | ${await tile.getByLabel('Agents by state').innerText()}`;
      const before = await figures();
      await screenshot(page, 'admin-wallboard-before');
      // Two calls that stay connected for a while: the tile's waiting count or its agents' states must change.
      await placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 90 });
      await placeCall(system, tenant.tenantId, NUMBER, { handleTimeS: 90 });
      const until = Date.now() + 60_000;
      while ((await figures()) === before) {
        if (Date.now() > until) throw new Error(`the Sales tile never changed from ${before}`);
        await page.waitForTimeout(250);
      }
      await checked(page, 'admin-wallboard-wall');

      await page.getByRole('button', { name: 'Leave wall mode' }).click();
      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Calls' }).click();
      const live = page.getByRole('table', { name: 'Live calls' });
      await live.getByRole('link').first().waitFor({ timeout: 60_000 });
      await checked(page, 'admin-calls');
      await live.getByRole('link').first().click();
      const story = page.getByRole('list', { name: 'Story' });
      await story.getByText('Arrived').waitFor();
      await story.getByText('Connected to agent').waitFor({ timeout: 60_000 });
      await checked(page, 'admin-call-story');

      await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Reports' }).click();
      await page.getByRole('button', { name: 'Show report' }).click();
      // With the reporting API: the report's table; without it: its problem+json, inline.
      await page.getByRole('table', { name: 'Report' }).or(page.getByRole('alert')).first().waitFor();
      await checked(page, 'admin-reports');
    },
    { width: 1920, height: 1080 },
  );
});

test('an agent opts out of a call queue', async () => {
  await withBrowser(async (page) => {
    await signIn(page, system.origin, 'agent03@contoso.com');
    await page.getByRole('heading', { name: 'Agent view' }).waitFor();
    const queues = page.getByRole('table', { name: 'Your call queues' });
    await queues.getByRole('cell', { name: 'support', exact: true }).waitFor();
    await checked(page, 'agent-view');
    await queues.getByRole('button', { name: 'Opt out of support' }).click();
    await queues.getByRole('cell', { name: 'No (opted out)' }).waitFor();
    expect((await agentsOf('support')).find((a) => a.userPrincipalName === 'agent03@contoso.com')?.optedOut).toEqual([
      'support',
    ]);
    await queues.getByRole('button', { name: 'Opt in to support' }).waitFor();
    await checked(page, 'agent-opted-out');
  });
});
