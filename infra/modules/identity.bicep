// The function app's user-assigned managed identity and every role assignment this template
// makes. Least privilege, each scoped to one resource, never Owner or Contributor:
//   app identity -> Storage Blob Data Owner on the storage account: the Functions host with
//                   identity-based AzureWebJobsStorage keeps the timer's schedule status
//                   (azure-webjobs-hosts), its singleton locks (blob leases) and its keys
//                   (azure-webjobs-secrets) in blobs and creates those containers; Flex
//                   Consumption reads the deployment package; the app writes its sync container,
//                   whose lock is a blob lease. No queue or table role: nothing here uses queues,
//                   and the host's diagnostic events, its only table use, are off
//                   (AzureWebJobsFeatureFlags in functionapp.bicep).
//                -> Key Vault Secrets User on the vault (read the certificate's or the secret's
//                   value; a certificate's private key is read through its secret)
//                -> Monitoring Metrics Publisher on Application Insights (Entra ID telemetry
//                   ingestion, local auth is disabled)
//   deployer (optional principalId, for local runs and for loading the credential)
//                -> Key Vault Secrets Officer and Key Vault Certificates Officer on the vault
//                -> Storage Blob Data Contributor on the storage account

import { resourceTags } from 'types.bicep'

@description('Azure region for the identity.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Name of the user-assigned managed identity.')
param name string

@description('Name of the existing storage account the identity gets blob data access to.')
param storageAccountName string

@description('Name of the existing Key Vault the identity reads secrets from.')
param keyVaultName string

@description('Name of the existing Application Insights component the identity publishes to.')
param appInsightsName string

@description('Object ID of a user or service principal that also gets data-plane roles on the vault and the storage account, for local runs. Empty: none.')
param principalId string

@description('Type of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string

@description('Built-in role definition IDs (the same in every subscription and cloud).')
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource appStorageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'todo-sync function app: host storage (timer status, singleton leases, host keys), deployment package and the sync container.'
  }
}

resource appKeyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'todo-sync function app: read the daemon credential (certificate or secret) from Key Vault.'
  }
}

resource appMonitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.monitoringMetricsPublisher
    )
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    description: 'todo-sync function app: send telemetry to Application Insights with Entra ID auth.'
  }
}

resource deployerKeyVaultSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: principalId
    principalType: principalType
    description: 'todo-sync deployer: manage the client secret in Key Vault.'
  }
}

resource deployerKeyVaultCertificatesOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, roles.keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.keyVaultCertificatesOfficer
    )
    principalId: principalId
    principalType: principalType
    description: 'todo-sync deployer: create or import the daemon certificate in Key Vault.'
  }
}

resource deployerStorageBlobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(storage.id, principalId, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId(
      'Microsoft.Authorization/roleDefinitions',
      roles.storageBlobDataContributor
    )
    principalId: principalId
    principalType: principalType
    description: 'todo-sync deployer: read and write the sync container from a local run.'
  }
}

@description('Name of the user-assigned managed identity.')
output name string = identity.name

@description('Resource ID of the user-assigned managed identity.')
output id string = identity.id

@description('Client (application) ID of the user-assigned managed identity.')
output clientId string = identity.properties.clientId

@description('Object (principal) ID of the user-assigned managed identity.')
output principalId string = identity.properties.principalId
