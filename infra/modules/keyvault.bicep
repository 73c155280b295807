// Key Vault for the daemon's credential (a certificate, or a client secret) with Azure RBAC
// authorization: no access policies; the app's identity gets Key Vault Secrets User and the
// optional deployer principal the Officer roles (see identity.bicep). Every data-plane operation
// (who read which secret, who imported a certificate) goes to the Log Analytics workspace as an
// AuditEvent. With private networking (main.bicep vnetEnabled) public network access is off and the
// vault is reached through the private endpoint that network.bicep creates.

import { resourceTags } from 'types.bicep'

@description('Azure region for the resources.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Key Vault name (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Public network access to the vault: Disabled when it is reached through a private endpoint only (main.bicep vnetEnabled).')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string

@description('Days a deleted vault, secret or certificate stays recoverable (purge protection keeps it for the whole period).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

@description('Resource ID of the Log Analytics workspace that receives the vault\'s audit events.')
param logAnalyticsWorkspaceId string

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    // Private: deny everything that does not come through the private endpoint, trusted Azure
    // services included (nothing here needs them). Public: Entra ID and RBAC are the only gate.
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

// Audit trail: every secret and certificate read or write, with the caller's identity.
// 2021-05-01-preview is the newest version of this resource type; the linter points at 2016-09-01,
// which is the legacy "service" diagnostic settings type and cannot target a workspace this way.
#disable-next-line use-recent-api-versions
resource auditDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'AuditEvent'
        enabled: true
      }
    ]
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Key Vault URI, e.g. https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
