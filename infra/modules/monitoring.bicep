// Log Analytics workspace and a workspace-based Application Insights component that only
// accepts Entra ID (AAD) authenticated telemetry: local (instrumentation key) auth is disabled,
// so the function app sends telemetry with its managed identity and the Monitoring Metrics
// Publisher role (see identity.bicep).

import { resourceTags } from 'types.bicep'

@description('Azure region for the resources.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param appInsightsName string

@description('Days the workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

@description('Name of the Application Insights component.')
output appInsightsName string = appInsights.name

@description('Name of the Log Analytics workspace (audit logs and FunctionAppLogs).')
output logAnalyticsName string = workspace.name

@description('Resource ID of the Log Analytics workspace.')
output logAnalyticsWorkspaceId string = workspace.id
