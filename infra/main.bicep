// todo-sync on Azure Functions Flex Consumption, provisioned by `azd up` (see docs/deploy-to-azure.md).
// Subscription scope: creates the resource group, then every resource in it through modules.
// Native resource declarations only, so the template compiles offline.

targetScope = 'subscription'

import { credentialModeType, staleAfterType } from 'modules/types.bicep'

@description('Name of the azd environment; part of every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources (one that offers Flex Consumption).')
@minLength(1)
param location string

@description('Resource group to create or update. Empty: rg-<environmentName>.')
param resourceGroupName string = ''

@description('Object ID of the deploying user or service principal; gets Key Vault Secrets/Certificates Officer and Storage Blob Data Contributor for local runs. Empty: no deployer roles.')
param principalId string = ''

@description('Type of principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('CLIENT_ID: application (client) ID of the daemon app registration.')
@minLength(1)
param clientId string

@description('AUTHORITY: token authority, e.g. https://login.microsoftonline.com/<tenant id>.')
@minLength(1)
param authority string

@description('API_ENDPOINT: full URL of the ToDo list endpoint of the protected API.')
@minLength(1)
param apiEndpoint string

@description('SCOPES: the API application ID URI, e.g. api://<api client id>.')
@minLength(1)
param scopes string

@description('SYNC_SCHEDULE: NCRONTAB schedule of the timer trigger (six fields, seconds first).')
param syncSchedule string = '0 */15 * * * *'

@description('SYNC_CONTAINER: blob container for snapshots, run records and the sync lock.')
@minLength(3)
@maxLength(63)
param syncContainerName string = 'todo-sync'

@description('Days to keep per-run records (<sync container>/runs/) before lifecycle management deletes them.')
@minValue(1)
@maxValue(3650)
param syncRetentionDays int = 30

@description('How the daemon authenticates: a certificate in Key Vault (default), a client secret in Key Vault, or the managed identity as a federated credential of the app registration.')
param credentialMode credentialModeType = 'certificate'

@description('Name of the daemon certificate in Key Vault (credentialMode certificate).')
param clientCertificateName string = 'todo-sync-daemon'

@description('Name (not value) of the client secret in Key Vault (credentialMode secret).')
param clientSecretName string = 'todo-sync-client-secret'

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the function app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Private networking: a virtual network with the function app\'s VNet integration, private endpoints and private DNS zones for the storage account\'s blob service and the Key Vault, whose public network access is then disabled. Off (default): both keep public endpoints, guarded by Entra ID auth and RBAC only.')
param vnetEnabled bool = false

@description('How long without a successful sync before the freshness alert fires and GET /api/health answers 503: at least twice the interval of syncSchedule (PT30M for every 15 minutes).')
param staleAfter staleAfterType = 'PT30M'

@description('Email address for the freshness alert (no successful sync within staleAfter). Empty: the action group is created without a receiver.')
param alertEmail string = ''

@description('Days a deleted vault or credential stays recoverable; purge protection is on, so the vault name stays taken that long after a delete.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionDays int = 90

@description('Unique, stable suffix for globally unique names.')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

@description('Tags on every resource; azd finds the environment by azd-env-name.')
var tags = {
  'azd-env-name': environmentName
}

@description('Resource names (azd abbreviations).')
var names = {
  resourceGroup: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  logAnalytics: 'log-${resourceToken}'
  appInsights: 'appi-${resourceToken}'
  storage: 'st${resourceToken}'
  deploymentContainer: 'app-package-${resourceToken}'
  identity: 'id-${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-${resourceToken}'
  virtualNetwork: 'vnet-${resourceToken}'
  actionGroup: 'ag-${resourceToken}'
  freshnessAlert: 'alert-stale-${resourceToken}'
}

@description('staleAfter in seconds, for SYNC_STALE_AFTER_SECONDS: the app and the alert agree.')
var staleAfterSeconds = {
  PT30M: 1800
  PT45M: 2700
  PT1H: 3600
  PT2H: 7200
  PT3H: 10800
  PT4H: 14400
  PT5H: 18000
  PT6H: 21600
  P1D: 86400
  P2D: 172800
}[staleAfter]

@description('Public network access of the storage account and the Key Vault: off when they have private endpoints.')
var dataPublicNetworkAccess = vnetEnabled ? 'Disabled' : 'Enabled'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: names.logAnalytics
    appInsightsName: names.appInsights
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.storage
    deploymentContainerName: names.deploymentContainer
    syncContainerName: syncContainerName
    syncRetentionDays: syncRetentionDays
    publicNetworkAccess: dataPublicNetworkAccess
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.keyVault
    publicNetworkAccess: dataPublicNetworkAccess
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
}

// Only with vnetEnabled: the virtual network, the app's integration subnet, and private endpoints
// (with their DNS zones) for the storage account's blob service and the Key Vault.
module network 'modules/network.bicep' = if (vnetEnabled) {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.virtualNetwork
    storageAccountName: names.storage
    keyVaultName: names.keyVault
  }
  dependsOn: [
    storage
    keyVault
  ]
}

// The identity and its role assignments; the names are deploy-time constants, so the roles'
// guid() names are stable and the dependencies are explicit.
module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    name: names.identity
    storageAccountName: names.storage
    keyVaultName: names.keyVault
    appInsightsName: names.appInsights
    principalId: principalId
    principalType: principalType
  }
  dependsOn: [
    monitoring
    storage
    keyVault
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    planName: names.plan
    name: names.functionApp
    identityName: names.identity
    storageAccountName: names.storage
    deploymentContainerName: names.deploymentContainer
    appInsightsName: names.appInsights
    keyVaultName: names.keyVault
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    clientId: clientId
    authority: authority
    apiEndpoint: apiEndpoint
    scopes: scopes
    syncSchedule: syncSchedule
    staleAfterSeconds: staleAfterSeconds
    syncContainerName: syncContainerName
    credentialMode: credentialMode
    clientCertificateName: clientCertificateName
    clientSecretName: clientSecretName
    virtualNetworkSubnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
  }
  // Start the app only once its identity can reach storage, the vault and App Insights (and, with
  // vnetEnabled, once their private endpoints resolve inside the network).
  dependsOn: [
    identity
    storage
    keyVault
  ]
}

module freshnessAlert 'modules/freshnessAlert.bicep' = {
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsName: names.appInsights
    actionGroupName: names.actionGroup
    alertRuleName: names.freshnessAlert
    staleAfter: staleAfter
    alertEmail: alertEmail
  }
  dependsOn: [
    monitoring
  ]
}

@description('Region the resources are in (azd).')
output AZURE_LOCATION string = location

@description('Tenant the resources are in (azd).')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group holding the resources (azd).')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the function app.')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Default host name of the function app.')
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostname

@description('Name of the Key Vault holding the daemon credential.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('URI of the Key Vault (the app\'s KEY_VAULT_URL).')
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri

@description('Client ID of the function app\'s user-assigned managed identity.')
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId

@description('Object (principal) ID of the function app\'s user-assigned managed identity.')
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId

@description('Name of the Application Insights component (for log queries).')
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.appInsightsName

@description('Name of the Log Analytics workspace holding the audit logs (Key Vault, blobs) and FunctionAppLogs.')
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName

@description('Name of the storage account.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Blob endpoint of the storage account.')
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

@description('Blob container the app keeps its sync state in.')
output SYNC_CONTAINER string = syncContainerName
