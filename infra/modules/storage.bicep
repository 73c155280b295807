// The storage account used by the Functions host (identity-based AzureWebJobsStorage: timer
// schedule status and singleton leases live in blobs), by Flex Consumption for the deployment
// package, and by the app for its sync container (snapshots, run records under runs/, the lock).
// Shared-key access is off: every client authenticates with Entra ID. Every blob read, write and
// delete is logged to the Log Analytics workspace (StorageBlobLogs: who touched the snapshot).
// With private networking (main.bicep vnetEnabled) public network access is off and the account
// is reached through the blob private endpoint that network.bicep creates.

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

@description('Public network access: Disabled when the account is reached through a private endpoint only (main.bicep vnetEnabled).')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string

@description('Resource ID of the Log Analytics workspace that receives the blob service\'s read, write and delete logs.')
param logAnalyticsWorkspaceId string

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
    publicNetworkAccess: publicNetworkAccess
    // Private: deny everything that does not come through the private endpoint, trusted Azure
    // services included (nothing here needs them). Public: Entra ID auth is the only gate.
    networkAcls: publicNetworkAccess == 'Disabled'
      ? {
          bypass: 'None'
          defaultAction: 'Deny'
        }
      : {
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

// Audit trail of the data plane: every read, write and delete of a blob (the snapshot, run
// records, status, host blobs, the deployment package), with the caller's identity.
// 2021-05-01-preview is the newest version of this resource type; the linter points at 2016-09-01,
// which is the legacy "service" diagnostic settings type and cannot target a workspace this way.
#disable-next-line use-recent-api-versions
resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'StorageRead'
        enabled: true
      }
      {
        category: 'StorageWrite'
        enabled: true
      }
      {
        category: 'StorageDelete'
        enabled: true
      }
    ]
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
