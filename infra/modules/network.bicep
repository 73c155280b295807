// Private networking, deployed only when main.bicep's vnetEnabled is true: a virtual network whose
// `app` subnet carries the function app's outbound VNet integration (Flex Consumption needs it
// delegated to Microsoft.App/environments) and whose `private-endpoints` subnet holds a private
// endpoint for the storage account's blob service and one for the Key Vault, with the private DNS
// zones that make their usual host names resolve to those endpoints inside the network. With this
// module deployed, main.bicep turns the storage account's and the vault's public network access off.
//
// Blob only, no queue, table or file endpoint: the Functions host (timer schedule status,
// singleton leases, host keys), the Flex Consumption deployment package and the app's sync
// container are all blobs; the host's diagnostic events, the one thing that would use tables,
// are switched off (see functionapp.bicep).

import { resourceTags } from 'types.bicep'

@description('Azure region for the virtual network and the private endpoints.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Name of the virtual network.')
param name string

@description('Name of the existing storage account that gets a blob private endpoint.')
param storageAccountName string

@description('Name of the existing Key Vault that gets a private endpoint.')
param keyVaultName string

@description('Address space of the virtual network and its two subnets (the app subnet needs at least a /27 for Flex Consumption scale-out).')
var addresses = {
  network: '10.0.0.0/16'
  appSubnet: '10.0.1.0/24'
  privateEndpointSubnet: '10.0.2.0/24'
}

@description('Private DNS zones of the two endpoints, built from the cloud\'s suffixes (privatelink.blob.core.windows.net and privatelink.vaultcore.azure.net in the public cloud).')
var zoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  vault: replace(environment().suffixes.keyvaultDns, '.vault.', 'privatelink.vaultcore.')
}

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

// Subnets are declared inside the network (not as child resources), so a re-deployment never
// tries to delete and recreate them while the app or an endpoint uses them.
resource vnet 'Microsoft.Network/virtualNetworks@2026-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addresses.network
      ]
    }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: addresses.appSubnet
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          // The app calls the ToDo API, Entra ID and Application Insights on the internet, and with
          // VNet integration its traffic leaves through this subnet. Newer network API versions make
          // subnets private by default; this one keeps outbound access explicitly (a NAT gateway
          // would give it a fixed egress address instead).
          defaultOutboundAccess: true
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: addresses.privateEndpointSubnet
          privateEndpointNetworkPolicies: 'Disabled'
          // Private endpoints only answer; nothing here starts a connection to the internet.
          defaultOutboundAccess: false
        }
      }
    ]
  }
}

resource appSubnet 'Microsoft.Network/virtualNetworks/subnets@2026-03-01' existing = {
  parent: vnet
  name: 'app'
}

resource privateEndpointSubnet 'Microsoft.Network/virtualNetworks/subnets@2026-03-01' existing = {
  parent: vnet
  name: 'private-endpoints'
}

resource blobZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: zoneNames.blob
  location: 'global'
  tags: tags
}

resource vaultZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: zoneNames.vault
  location: 'global'
  tags: tags
}

resource blobZoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: blobZone
  name: vnet.name
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnet.id
    }
  }
}

resource vaultZoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: vaultZone
  name: vnet.name
  location: 'global'
  tags: tags
  properties: {
    registrationEnabled: false
    virtualNetwork: {
      id: vnet.id
    }
  }
}

resource blobEndpoint 'Microsoft.Network/privateEndpoints@2026-03-01' = {
  name: 'pe-${storageAccountName}-blob'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnet.id
    }
    privateLinkServiceConnections: [
      {
        name: 'blob'
        properties: {
          privateLinkServiceId: storage.id
          groupIds: [
            'blob'
          ]
        }
      }
    ]
  }
}

resource blobEndpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = {
  parent: blobEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'blob'
        properties: {
          privateDnsZoneId: blobZone.id
        }
      }
    ]
  }
}

resource vaultEndpoint 'Microsoft.Network/privateEndpoints@2026-03-01' = {
  name: 'pe-${keyVaultName}'
  location: location
  tags: tags
  properties: {
    subnet: {
      id: privateEndpointSubnet.id
    }
    privateLinkServiceConnections: [
      {
        name: 'vault'
        properties: {
          privateLinkServiceId: vault.id
          groupIds: [
            'vault'
          ]
        }
      }
    ]
  }
}

resource vaultEndpointDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2026-03-01' = {
  parent: vaultEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'vault'
        properties: {
          privateDnsZoneId: vaultZone.id
        }
      }
    ]
  }
}

@description('Resource ID of the subnet the function app integrates with.')
output appSubnetId string = appSubnet.id
