// Flex Consumption plan (FC1, Linux) and the todo-sync function app: Node 22, deployment package
// pulled from a blob container with the user-assigned identity, identity-based host storage,
// Entra ID authenticated Application Insights, and the app settings the code reads (catalogue:
// src/config/settings.ts). No secret value is ever an app setting: the daemon credential stays in
// Key Vault and the app reads it with its managed identity. Basic-auth publishing (FTP and the scm
// site) is off: azd deploys to Flex Consumption with an Entra ID token. The host's FunctionAppLogs
// go to the Log Analytics workspace. With a subnet ID (main.bicep vnetEnabled) the app's outbound
// traffic goes through the virtual network, where storage and Key Vault have private endpoints.

import { credentialModeType, resourceTags } from 'types.bicep'

@description('Azure region for the resources.')
param location string

@description('Tags applied to every resource (the app also gets azd-service-name).')
param tags resourceTags

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app.')
param name string

@description('Name of the existing user-assigned managed identity the app runs as.')
param identityName string

@description('Name of the existing storage account (host storage, deployment package, sync container).')
param storageAccountName string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Name of the existing Application Insights component.')
param appInsightsName string

@description('Name of the existing Key Vault holding the daemon credential.')
param keyVaultName string

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app scales out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('CLIENT_ID: application (client) ID of the daemon app registration.')
param clientId string

@description('AUTHORITY: token authority, e.g. https://login.microsoftonline.com/<tenant id>.')
param authority string

@description('API_ENDPOINT: URL of the ToDo list endpoint of the protected API.')
param apiEndpoint string

@description('SCOPES: application ID URI of the API (/.default is appended when missing).')
param scopes string

@description('SYNC_SCHEDULE: NCRONTAB schedule of the timer trigger.')
param syncSchedule string

@description('SYNC_STALE_AFTER_SECONDS: GET /api/health answers 503 past this age of the last success (the freshness alert\'s window).')
param staleAfterSeconds int

@description('SYNC_CONTAINER: blob container for snapshots, run records and the sync lock.')
param syncContainerName string

@description('How the daemon authenticates to Entra ID.')
param credentialMode credentialModeType

@description('Name of the certificate in Key Vault (credentialMode certificate).')
param clientCertificateName string

@description('Name of the secret in Key Vault (credentialMode secret). A name, never the value.')
param clientSecretName string

@description('Resource ID of the subnet (delegated to Microsoft.App/environments) for outbound VNet integration. Empty: no VNet integration.')
param virtualNetworkSubnetId string

@description('Resource ID of the Log Analytics workspace that receives the FunctionAppLogs.')
param logAnalyticsWorkspaceId string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

@description('The setting that tells the app where its credential is, per credential mode.')
var credentialSettings = {
  certificate: [
    {
      name: 'CLIENT_CERTIFICATE_NAME'
      value: clientCertificateName
    }
  ]
  secret: [
    {
      name: 'CLIENT_SECRET_NAME'
      value: clientSecretName
    }
  ]
  managedIdentity: [
    {
      name: 'CLIENT_CREDENTIAL'
      value: 'managedIdentity'
    }
  ]
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      runtime: {
        name: 'node'
        version: '22'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        // Identity-based host storage. The host keeps timer schedule status, singleton leases and
        // its keys in blobs; the app uses blobs only, so no queue or table service URI.
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        // The host's diagnostic events are the only thing it would keep in tables. With
        // identity-based storage they would need a Table data role and a table service URI (and a
        // table private endpoint with vnetEnabled), the portal's diagnostics do not read them for
        // identity-based connections, and every event also goes to Application Insights and
        // FunctionAppLogs. So they stay off and the identity gets no table role.
        {
          name: 'AzureWebJobsFeatureFlags'
          value: 'DisableDiagnosticEventLogging'
        }
        // Telemetry with Entra ID auth (the component has local auth disabled).
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        // The managed identity DefaultAzureCredential / ManagedIdentityCredential use.
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'KEY_VAULT_URL'
          value: vault.properties.vaultUri
        }
        {
          name: 'CLIENT_ID'
          value: clientId
        }
        {
          name: 'AUTHORITY'
          value: authority
        }
        {
          name: 'API_ENDPOINT'
          value: apiEndpoint
        }
        {
          name: 'SCOPES'
          value: scopes
        }
        {
          name: 'SYNC_SCHEDULE'
          value: syncSchedule
        }
        {
          name: 'SYNC_STALE_AFTER_SECONDS'
          value: string(staleAfterSeconds)
        }
        {
          name: 'SYNC_CONTAINER'
          value: syncContainerName
        }
        ...credentialSettings[credentialMode]
      ]
    }
  }
}

// Deployments authenticate with Entra ID (azd's Flex Consumption deploy sends a bearer token to the
// scm site), so neither FTP nor the scm site accepts basic-auth publishing credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

// The host's and the functions' logs (invocations, errors, the app's own log lines) in the
// workspace, kept with the other audit logs whatever Application Insights samples.
// 2021-05-01-preview is the newest version of this resource type; the linter points at 2016-09-01,
// which is the legacy "service" diagnostic settings type and cannot target a workspace this way.
#disable-next-line use-recent-api-versions
resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: app
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

@description('Name of the function app.')
output name string = app.name

@description('Default host name of the function app, e.g. <name>.azurewebsites.net.')
output defaultHostname string = app.properties.defaultHostName
