// Flex Consumption plan (FC1, Linux) and the todo-sync function app: Node 22, deployment package
// pulled from a blob container with the user-assigned identity, identity-based host storage,
// Entra ID authenticated Application Insights, and the app settings the code reads (catalogue:
// src/config/settings.ts). No secret value is ever an app setting: the daemon credential stays in
// Key Vault and the app reads it with its managed identity.

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

@description('SYNC_CONTAINER: blob container for snapshots, run records and the sync lock.')
param syncContainerName string

@description('How the daemon authenticates to Entra ID.')
param credentialMode credentialModeType

@description('Name of the certificate in Key Vault (credentialMode certificate).')
param clientCertificateName string

@description('Name of the secret in Key Vault (credentialMode secret). A name, never the value.')
param clientSecretName string

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
        // Identity-based host storage. The host keeps timer schedule status and singleton
        // leases in blobs; the app uses blobs only, so no queue or table service URI.
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
          name: 'SYNC_CONTAINER'
          value: syncContainerName
        }
        ...credentialSettings[credentialMode]
      ]
    }
  }
}

// Deployments authenticate with Entra ID; FTP basic-auth publishing credentials stay off.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = app.name

@description('Default host name of the function app, e.g. <name>.azurewebsites.net.')
output defaultHostname string = app.properties.defaultHostName
