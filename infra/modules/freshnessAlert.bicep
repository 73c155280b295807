// An alert when syncs stop. Timers of a Flex Consumption app can stop firing after a deploy while
// HTTP keeps working, and a failed timer run is not retried: watching failures alone misses both.
// So the rule watches for the absence of success: no "sync succeeded" line from the function app
// in the last `staleAfter`, evaluated every 5 minutes against Application Insights. It is the same
// threshold GET /api/health uses (main.bicep sets SYNC_STALE_AFTER_SECONDS from it).

import { resourceTags, staleAfterType } from 'types.bicep'

@description('Azure region for the rule.')
param location string

@description('Tags applied to every resource.')
param tags resourceTags

@description('Name of the Application Insights component the function app logs to.')
param appInsightsName string

@description('Name of the action group the alert notifies.')
param actionGroupName string

@description('Name of the scheduled-query alert rule.')
param alertRuleName string

@description('How long without a successful sync before the alert fires (an alert window Azure Monitor accepts).')
param staleAfter staleAfterType

@description('Email address the alert is sent to. Empty: the action group has no receiver yet (add one later, in the portal or by redeploying with it).')
param alertEmail string = ''

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  // Action groups are global resources.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'todo-sync'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operator'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

resource staleAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = {
  name: alertRuleName
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'todo-sync: no successful sync'
    description: 'No sync succeeded in the last ${staleAfter} (SYNC_STALE_AFTER_SECONDS). Check that the timer fires (Flex Consumption timers can stop after a deploy) and what the last runs say: GET /api/sync and GET /api/health.'
    severity: 2
    enabled: true
    scopes: [
      appInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: staleAfter
    // The count is 0 when no success line was logged in the window (summarize without `by`
    // always returns one row), so the rule fires on silence as well as on failures.
    criteria: {
      allOf: [
        {
          query: 'traces | where message startswith "sync succeeded" | summarize successes = count()'
          metricMeasureColumn: 'successes'
          timeAggregation: 'Total'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

@description('Resource ID of the alert rule.')
output alertRuleId string = staleAlert.id
