// Key Vault for the daemon's credential (a certificate, or a client secret) with Azure RBAC
// authorization: no access policies; the app's identity gets Key Vault Secrets User and the
// optional deployer principal the Officer roles (see identity.bicep).

import { resourceTags } from 'types.bicep'

@description('Azure region for the resources.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Key Vault name (3-24 letters, digits and hyphens).')
@minLength(3)
@maxLength(24)
param name string

@description('Public network access to the vault. Disabled needs a private endpoint and VNet integration, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string

@description('Days a deleted vault, secret or certificate stays recoverable (purge protection keeps it for the whole period).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

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
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('Key Vault URI, e.g. https://<name>.vault.azure.net/.')
output uri string = vault.properties.vaultUri
