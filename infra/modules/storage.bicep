// The storage account used by the Functions host (identity-based AzureWebJobsStorage: timer
// schedule status and singleton leases live in blobs), by Flex Consumption for the deployment
// package, and by the app for its sync container (snapshots, run records under runs/, the lock).
// Shared-key access is off: every client authenticates with Entra ID.

import { resourceTags } from 'types.bicep'

@description('Azure region for the resources.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Storage account name (3-24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Blob container the app keeps its sync state in (SYNC_CONTAINER).')
param syncContainerName string

@description('Days after their last modification that per-run records (<sync container>/runs/...) are deleted.')
@minValue(1)
param syncRetentionDays int

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-09-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource syncContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-09-01' = {
  parent: blobService
  name: syncContainerName
  properties: {
    publicAccess: 'None'
  }
}

// Lifecycle management: the app writes one record per run under <container>/runs/; keep them
// for syncRetentionDays. The snapshot (which also carries the lock) and the status live elsewhere and stay.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-09-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-run-records'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
                'appendBlob'
              ]
              prefixMatch: [
                '${syncContainer.name}/runs/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: syncRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

@description('Storage account name.')
output name string = storage.name

@description('Blob service endpoint, e.g. https://<name>.blob.core.windows.net/.')
output blobEndpoint string = storage.properties.primaryEndpoints.blob

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name
