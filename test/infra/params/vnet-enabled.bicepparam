// CI: compiles infra/main.bicep's parameters with vnetEnabled=true (scripts/check-infra.sh); the
// infra tests evaluate the template with the values this file produces. Example values only.
using '../../../infra/main.bicep'

param environmentName = 'ci'
param location = 'westeurope'
param clientId = '00001111-aaaa-2222-bbbb-3333cccc4444'
param authority = 'https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee'
param apiEndpoint = 'https://todo-api.example.net/api/todolist'
param scopes = 'api://11112222-bbbb-3333-cccc-4444dddd5555'
param principalId = '99998888-7777-6666-5555-444433332222'
param vnetEnabled = true
