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

@export()
@description('A staleness threshold that is also an alert window Azure Monitor accepts for log alerts.')
type staleAfterType = 'PT30M' | 'PT45M' | 'PT1H' | 'PT2H' | 'PT3H' | 'PT4H' | 'PT5H' | 'PT6H' | 'P1D' | 'P2D'
