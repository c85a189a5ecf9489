// Switchboard on Azure: the function app (Flex Consumption, Node 20) with its storage account, Application Insights,
// a Key Vault for the secrets the app settings reference, and a user-assigned identity that reads them.
// Deploy: `az deployment group create -g <rg> -f infra/main.bicep -p infra/main.parameters.json` (or `azd up`),
// then publish the built app (see docs/deploy.md). Secrets are set in the vault afterwards, never in parameters files.
targetScope = 'resourceGroup'

@description('Short name used to derive resource names (lower-case letters and digits).')
@minLength(3)
@maxLength(11)
param name string

param location string = resourceGroup().location

@description('App id of the contact-center bot: resource accounts are bound to it; call callbacks carry it as aud.')
param botAppId string

@description('Base URL of an existing Teams admin bridge; empty = deploy the one in infra/bridge beside the app.')
param bridgeUrl string = ''

@description('Bridge app registration (Teams admin rights) and its certificate thumbprint, when the bridge is deployed here.')
param bridgeAppId string = ''
param bridgeCertificateThumbprint string = ''

@description('OAuth scope of the bridge.')
param bridgeScope string = 'api://teams-admin-bridge/.default'

@description('How the provisioning app authenticates: secret (multi-tenant app, secret in Key Vault) or managedIdentity (same tenant only).')
@allowed(['secret', 'managedIdentity'])
param provisioningCredential string = 'secret'

@description('Client id of the provisioning app registration (secret credential).')
param provisioningClientId string = ''

@description('Audience of tokens for Switchboard\'s own API (its app registration\'s identifier URI).')
param apiAudience string = 'api://switchboard'

@description('NCRONTAB schedule of the drift check.')
param driftSchedule string = '0 */15 * * * *'

@description('Tenants repaired automatically on drift: comma-separated tenant ids or *; empty = report only.')
param driftAutoRemediate string = ''

@description('Per-tenant request budgets (TENANT_RATES JSON); empty = Graph 20/s, bridge 5/s.')
param tenantRates string = ''

@description('Most instances the app scales out to.')
param maximumInstanceCount int = 40

var suffix = uniqueString(resourceGroup().id, name)
var storageName = toLower('${name}st${take(suffix, 10)}')
var vaultName = '${name}-kv-${take(suffix, 8)}'
var deploymentContainer = 'deployments'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: { sku: { name: 'PerGB2018' }, retentionInDays: 30 }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: { Application_Type: 'web', WorkspaceResourceId: logs.id }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
  }
}

// The app reads tables and queues through a connection string (AzureWebJobsStorage): kept in the vault.
resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-connection-string'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

// Role definition ids (built-in roles).
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'

resource vaultReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

resource deploymentReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageBlobDataOwner)
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
  }
}

module bridge 'bridge.bicep' = if (empty(bridgeUrl)) {
  name: 'teams-admin-bridge'
  params: {
    name: name
    location: location
    storageAccountName: storage.name
    identityId: identity.id
    identityClientId: identity.properties.clientId
    insightsConnectionString: insights.properties.ConnectionString
    bridgeAppId: bridgeAppId
    bridgeCertificateThumbprint: bridgeCertificateThumbprint
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

// Key Vault references: '<prefix><secret name>)'.
var vaultRef = '@Microsoft.KeyVault(VaultName=${vault.name};SecretName='

var appSettings = union(
  {
    AzureWebJobsStorage: '${vaultRef}storage-connection-string)'
    APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
    PROVISIONING_CREDENTIAL: provisioningCredential
    BOT_APP_ID: botAppId
    BOT_CLIENT_SECRET: '${vaultRef}bot-client-secret)'
    BRIDGE_URL: empty(bridgeUrl) ? bridge.outputs.url : bridgeUrl
    BRIDGE_SCOPE: bridgeScope
    API_AUDIENCE: apiAudience
    DRIFT_SCHEDULE: driftSchedule
    DRIFT_AUTO_REMEDIATE: driftAutoRemediate
    TENANT_RATES: tenantRates
  },
  provisioningCredential == 'secret'
    ? {
        PROVISIONING_CLIENT_ID: provisioningClientId
        PROVISIONING_CLIENT_SECRET: '${vaultRef}provisioning-client-secret)'
      }
    : { MANAGED_IDENTITY_CLIENT_ID: identity.properties.clientId }
)

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-func-${take(suffix, 6)}'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identity.id}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [for setting in items(appSettings): { name: setting.key, value: setting.value }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identity.id }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: { name: 'node', version: '20' }
    }
  }
  dependsOn: [vaultReader, deploymentReader, storageSecret]
}

output functionAppName string = app.name
output functionAppUrl string = 'https://${app.properties.defaultHostName}'
output keyVaultName string = vault.name
output bridgeUrl string = empty(bridgeUrl) ? bridge.outputs.url : bridgeUrl
output identityClientId string = identity.properties.clientId
