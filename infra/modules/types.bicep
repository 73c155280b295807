// Types shared by the templates.

@export()
@description('Resource tags: string values keyed by tag name.')
type resourceTags = {
  @description('A tag value.')
  *: string
}

@export()
@description('How the daemon authenticates to Entra ID: a certificate or a client secret kept in Key Vault, or the managed identity as a federated credential of the app registration.')
type credentialModeType = 'certificate' | 'secret' | 'managedIdentity'
