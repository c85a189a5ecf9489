/**
 * The provisioning app's credential, one per customer tenant (a credential caches its tokens, so reusing it matters).
 * Secret / certificate for a multi-tenant app; managed identity when the deployment lives in the customer's tenant.
 * When the authority is not Microsoft's (the simulator, a sovereign proxy) instance discovery is switched off:
 * MSAL would otherwise ask login.microsoftonline.com whether the authority is known.
 */
import type { TokenCredential } from '@azure/identity';
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { AppConfig } from '../config';
import { GatedCredential, throttleAwareCredentialOptions } from './gated-credential';
import { ThrottleGate } from './retry';

const MICROSOFT_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

export function isMicrosoftAuthority(authorityHost: string): boolean {
  try {
    return MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

type CredentialSettings = Pick<AppConfig, 'authorityHost' | 'provisioning'>;

/**
 * The provisioning credential for one tenant, wrapped so token requests honour the token endpoint's Retry-After and
 * concurrent callers share one request (see GatedCredential).
 */
export function createProvisioningCredential(config: CredentialSettings, tenantId: string): TokenCredential {
  const gate = new ThrottleGate();
  return new GatedCredential(createRawCredential(config, tenantId, throttleAwareCredentialOptions(gate)), gate);
}

function createRawCredential(
  config: CredentialSettings,
  tenantId: string,
  pipeline: ReturnType<typeof throttleAwareCredentialOptions>,
): TokenCredential {
  const p = config.provisioning;
  const common = {
    authorityHost: config.authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthority(config.authorityHost),
    ...pipeline,
  };
  switch (p.credential) {
    case 'secret':
      return new ClientSecretCredential(
        tenantId,
        required(p.clientId, 'PROVISIONING_CLIENT_ID'),
        required(p.clientSecret, 'PROVISIONING_CLIENT_SECRET'),
        common,
      );
    case 'certificate':
      return new ClientCertificateCredential(
        tenantId,
        required(p.clientId, 'PROVISIONING_CLIENT_ID'),
        required(p.certificatePath, 'PROVISIONING_CERTIFICATE_PATH'),
        common,
      );
    case 'managedIdentity':
      return p.managedIdentityClientId
        ? new ManagedIdentityCredential({ clientId: p.managedIdentityClientId, ...pipeline })
        : new ManagedIdentityCredential(pipeline);
  }
}

function required(value: string | undefined, setting: string): string {
  if (!value) throw new Error(`${setting} is not set`);
  return value;
}

/** One credential per (settings, tenant), for the life of the process. */
export class CredentialCache {
  private readonly byTenant = new Map<string, TokenCredential>();
  constructor(
    private readonly config: CredentialSettings,
    private readonly factory: (
      c: CredentialSettings,
      tenantId: string,
    ) => TokenCredential = createProvisioningCredential,
  ) {}

  forTenant(tenantId: string): TokenCredential {
    const key = tenantId.toLowerCase();
    let credential = this.byTenant.get(key);
    if (!credential) {
      credential = this.factory(this.config, key);
      this.byTenant.set(key, credential);
    }
    return credential;
  }
}
