// The Teams admin bridge: a PowerShell function app (Windows Consumption: managed dependencies for the MicrosoftTeams
// module and certificate loading, neither of which Flex Consumption offers) behind App Service Authentication, which
// accepts only Entra tokens for the bridge's audience. Code: infra/bridge/. Contract: docs/teams-admin-bridge.md.
param name string
param location string
param storageAccountName string
param identityId string
param identityClientId string
param insightsConnectionString string

@description('App id of the bridge\'s own app registration (Teams admin rights; used for Connect-MicrosoftTeams).')
param bridgeAppId string

@description('Thumbprint of the bridge app\'s certificate, uploaded to the function app.')
param bridgeCertificateThumbprint string

@description('Identifier URI of the bridge\'s API (the audience Switchboard requests tokens for).')
param audience string = 'api://teams-admin-bridge'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-bridge-plan'
  location: location
  sku: { name: 'Y1', tier: 'Dynamic' }
}

resource bridge 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-bridge-${take(uniqueString(resourceGroup().id, name), 6)}'
  location: location
  kind: 'functionapp'
  identity: { type: 'UserAssigned', userAssignedIdentities: { '${identityId}': {} } }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      powerShellVersion: '7.4'
      minTlsVersion: '1.2'
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'powershell' }
        {
          name: 'AzureWebJobsStorage'
          value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
        }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insightsConnectionString }
        { name: 'WEBSITE_LOAD_CERTIFICATES', value: bridgeCertificateThumbprint }
        { name: 'BRIDGE_APP_ID', value: bridgeAppId }
        { name: 'BRIDGE_CERTIFICATE_THUMBPRINT', value: bridgeCertificateThumbprint }
        { name: 'BRIDGE_STORAGE_ACCOUNT', value: storage.name }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
      ]
    }
  }
}

// Only tokens for the bridge's audience reach the code; run.ps1 then checks the TeamsAdmin.Bridge role and tenant.
resource auth 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: bridge
  name: 'authsettingsV2'
  properties: {
    globalValidation: { requireAuthentication: true, unauthenticatedClientAction: 'Return401' }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: bridgeAppId
          openIdIssuer: '${environment().authentication.loginEndpoint}common/v2.0'
        }
        validation: { allowedAudiences: [audience] }
        isAutoProvisioned: false
      }
    }
    platform: { enabled: true }
  }
}

var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource mappingsWriter 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identityId, storageTableDataContributor)
  properties: {
    principalId: reference(identityId, '2023-01-31').principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

output url string = 'https://${bridge.properties.defaultHostName}/api/bridge'
output name string = bridge.name
