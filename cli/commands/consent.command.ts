/** `switchboard consent`: the contact-center bot's permissions in the tenant, and the admin-consent URL. */
import type { Command } from 'commander';
import type { ConsentView } from '../../shared/domain';
import { commandContext, out } from '../command-context';

export function registerConsentCommand(program: Command): void {
  const context = () => commandContext(program);
  program
    .command('consent')
    .description("check the contact-center bot's permissions in the tenant and print the admin-consent URL")
    .action(async () => {
      const { client, tenant, json } = context();
      const consent = await client.request<ConsentView>('GET', `tenants/${tenant}/consent`);
      if (json) return out(JSON.stringify(consent, null, 2));
      out(`granted: ${consent.granted.join(', ') || '(none)'}`);
      out(`missing: ${consent.missing.join(', ') || '(none)'}`);
      out(`excess:  ${consent.excess.join(', ') || '(none)'}`);
      if (consent.missing.length) {
        out(`\nAn administrator of the tenant must grant consent:\n  ${consent.adminConsentUrl}`);
        process.exitCode = 1;
      }
    });
}
