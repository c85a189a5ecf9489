/**
 * `switchboard consent`: the permissions of the contact-center bot (and of the web app, when the API checks it) in
 * the tenant, and the admin-consent URL of each app that lacks some.
 */
import type { Command } from 'commander';
import type { ConsentView } from '../../shared/domain';
import { commandContext, out } from '../command-context';

export function registerConsentCommand(program: Command): void {
  const context = () => commandContext(program);
  program
    .command('consent')
    .description("check the contact-center bot's and the web app's permissions in the tenant; print admin-consent URLs")
    .action(async () => {
      const { client, tenant, json } = context();
      const consent = await client.request<ConsentView>('GET', `tenants/${tenant}/consent`);
      if (json) return out(JSON.stringify(consent, null, 2));
      // Older APIs answer the bot's fields only.
      const apps = consent.apps ?? [{ ...consent, name: 'bot' as const, adminConsentUrlV2: consent.adminConsentUrl }];
      for (const a of apps) {
        out(`${a.name === 'bot' ? 'contact-center bot' : 'web app'} ${a.appId}`);
        out(`  granted: ${a.granted.join(', ') || '(none)'}`);
        out(`  missing: ${a.missing.join(', ') || '(none)'}`);
        out(`  excess:  ${a.excess.join(', ') || '(none)'}`);
        if (a.missing.length) {
          out(`  An administrator of the tenant must grant consent:\n    ${a.adminConsentUrlV2}`);
          process.exitCode = 1;
        }
      }
    });
}
