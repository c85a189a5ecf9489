/**
 * The app settings that point Switchboard at the local tenant simulator — one mapping used by `npm start`, the
 * integration tests and the benchmarks, so all three wire the app the same way.
 */
import type { LocalSettings } from '../../simulator';

export function appEnvForSimulator(s: LocalSettings): Record<string, string> {
  return {
    GRAPH_BASE_URL: s.simulatorUrl,
    AUTHORITY_HOST: s.authorityHost,
    PROVISIONING_CREDENTIAL: 'secret',
    PROVISIONING_CLIENT_ID: s.provisioningApp.appId,
    PROVISIONING_CLIENT_SECRET: s.provisioningApp.clientSecret,
    BOT_APP_ID: s.botApp.appId,
    BOT_CLIENT_SECRET: s.botApp.clientSecret,
    ...(s.webApp.appId ? { WEB_APP_ID: s.webApp.appId } : {}),
    BRIDGE_URL: s.bridgeUrl,
    BRIDGE_SCOPE: s.bridgeScope,
    API_AUDIENCE: s.api.audience,
    // The simulator's tenant is the operator's own: always served; its Switchboard.Operator onboards other tenants.
    OPERATOR_TENANT_ID: s.tenantId,
    API_ISSUER_TEMPLATE: s.api.issuer.replace(s.tenantId, '{tenantId}'),
    BOT_TOKEN_ISSUER: s.botIssuer,
    BOT_OPENID_CONFIG_URL: s.botOpenIdConfigurationUrl,
    NODE_EXTRA_CA_CERTS: s.caPath,
    PORTAL_CLIENT_ID: s.portal.clientId,
    PORTAL_TENANT: s.tenantId,
  };
}
