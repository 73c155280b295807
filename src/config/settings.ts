/**
 * The catalogue of every setting todo-sync reads. It is the single source for the config
 * schema's error messages, the README's settings table and the infra contract test
 * (every setting marked `inAzure: 'required'` must be set on the deployed function app).
 */
export interface SettingSpec {
  readonly name: string;
  readonly description: string;
  /** A right value, shown in error messages. Never a real secret. */
  readonly example: string;
  /** Secret-bearing: its value is never echoed in a log, an error or an output. */
  readonly secret: boolean;
  /**
   * How the deployed function app in Azure has it:
   * - `required`: the Bicep template must set it;
   * - `optional`: may be set; the code has a default or it applies to some modes only;
   * - `never`: for local runs only (a secret in plain app settings, a local connection string).
   */
  readonly inAzure: 'required' | 'optional' | 'never';
  /** `guid`: the value must be a GUID (an Entra client ID), checked before any network call. */
  readonly format?: 'guid';
}

export const SETTINGS = [
  {
    name: 'CLIENT_ID',
    description: "The daemon app registration's application (client) ID.",
    example: '00001111-aaaa-2222-bbbb-3333cccc4444',
    secret: false,
    inAzure: 'required',
    format: 'guid',
  },
  {
    name: 'AUTHORITY',
    description:
      'The token authority: Entra ID https://login.microsoftonline.com/<tenant>, External ID https://<sub>.ciamlogin.com/<tenant-id>/, or any OIDC authority serving <AUTHORITY>/v2.0/.well-known/openid-configuration.',
    example: 'https://login.microsoftonline.com/aaaabbbb-0000-cccc-1111-dddd2222eeee',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'CLIENT_SECRET',
    description:
      "The daemon's client secret in the environment, for local development. In Azure use a Key Vault credential or a managed identity instead.",
    example: '<the secret value from the app registration>',
    secret: true,
    inAzure: 'never',
  },
  {
    name: 'KEY_VAULT_URL',
    description:
      'The Key Vault holding the credential (with CLIENT_CERTIFICATE_NAME or CLIENT_SECRET_NAME). Selects nothing by itself.',
    example: 'https://my-vault.vault.azure.net/',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'CLIENT_CERTIFICATE_NAME',
    description:
      "Name of the Key Vault certificate whose key is the daemon's credential (read as a secret: PEM or PKCS#12).",
    example: 'todo-sync-daemon',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'KEY_VAULT_CERTIFICATE_VERSION',
    description: 'Pins a version of CLIENT_CERTIFICATE_NAME (default: the current one).',
    example: '0123456789abcdef0123456789abcdef',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'CLIENT_SECRET_NAME',
    description: "Name of the Key Vault secret holding the daemon's client secret.",
    example: 'todo-sync-client-secret',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'KEY_VAULT_SECRET_VERSION',
    description: 'Pins a version of CLIENT_SECRET_NAME (default: the current one).',
    example: '0123456789abcdef0123456789abcdef',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'CLIENT_CREDENTIAL',
    description:
      "'managedIdentity': no secret at all; a managed identity token is the client assertion (a federated identity credential on the app registration).",
    example: 'managedIdentity',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'AZURE_CLIENT_ID',
    description:
      'Client ID of the user-assigned managed identity used for Key Vault and the managed-identity credential (unset: system-assigned).',
    example: '22223333-cccc-4444-dddd-5555eeee6666',
    secret: false,
    inAzure: 'required',
    format: 'guid',
  },
  {
    name: 'API_ENDPOINT',
    description: 'Full URL of the ToDo list endpoint of the protected API.',
    example: 'https://localhost:44351/api/todolist',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'SCOPES',
    description:
      "The API's application ID URI; '/.default' is appended when missing (client credentials take exactly one resource).",
    example: 'api://11112222-bbbb-3333-cccc-4444dddd5555',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'SYNC_SCHEDULE',
    description:
      "NCRONTAB schedule of the timer trigger, read by the Functions host through '%SYNC_SCHEDULE%' (the CLI does not use it).",
    example: '0 */15 * * * *',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'SYNC_CONTAINER',
    description:
      'Blob container for snapshots, run records and the sync lock (created when missing).',
    example: 'todo-sync',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'SYNC_STALE_AFTER_SECONDS',
    description:
      'GET /api/health answers 503 once the last successful sync is older than this (default: twice the longest gap between two runs of SYNC_SCHEDULE).',
    example: '1800',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'SYNC_TIMEOUT_SECONDS',
    description:
      "A sync's whole time budget: lock, token, API calls, snapshot and records (default 120). A run that exceeds it fails, naming what it was waiting for, records the failure and releases the lock. Keep it under the host's functionTimeout; HTTP answers are cut at 230 s.",
    example: '120',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'CALL_TIMEOUT_SECONDS',
    description:
      'The bound on each attempt of an outbound call (token, API, Key Vault, managed identity) and on each storage operation, headers and body included (default 15).',
    example: '15',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'AzureWebJobsStorage',
    description:
      'Storage connection string (local: UseDevelopmentStorage=true or an Azurite string). In Azure use the identity-based AzureWebJobsStorage__* settings instead.',
    example: 'UseDevelopmentStorage=true',
    secret: true,
    inAzure: 'never',
  },
  {
    name: 'AzureWebJobsStorage__blobServiceUri',
    description: 'Identity-based storage: the blob service URI.',
    example: 'https://mystorage.blob.core.windows.net',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'AzureWebJobsStorage__accountName',
    description: 'Identity-based storage: the account name (alternative to __blobServiceUri).',
    example: 'mystorage',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'AzureWebJobsStorage__credential',
    description: "Identity-based storage: 'managedidentity' to use a managed identity.",
    example: 'managedidentity',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'AzureWebJobsStorage__clientId',
    description: 'Identity-based storage: client ID of the user-assigned managed identity.',
    example: '22223333-cccc-4444-dddd-5555eeee6666',
    secret: false,
    inAzure: 'required',
    format: 'guid',
  },
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING',
    description:
      'Application Insights to export traces, metrics and logs to (OpenTelemetry, Azure Monitor exporter). Set by the infra; unset, nothing goes to Azure Monitor. Not a secret (it names the resource), but ingestion is Entra-only: see APPLICATIONINSIGHTS_AUTHENTICATION_STRING.',
    example:
      'InstrumentationKey=<guid>;IngestionEndpoint=https://<region>.in.applicationinsights.azure.com/',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    description:
      'Entra authentication for the Azure Monitor export: the managed identity to send with (it needs Monitoring Metrics Publisher on Application Insights). Without a ClientId, the system-assigned identity.',
    example: 'ClientId=22223333-cccc-4444-dddd-5555eeee6666;Authorization=AAD',
    secret: false,
    inAzure: 'required',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    description:
      'An OTLP/HTTP collector to export traces, metrics and logs to (its /v1/traces, /v1/metrics and /v1/logs), besides or instead of Azure Monitor. The OpenTelemetry SDK reads the other OTEL_EXPORTER_OTLP_* settings (headers, protocol, timeout) as the specification defines them.',
    example: 'http://127.0.0.1:4318',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    description:
      "Headers the OTLP exporters send (key=value pairs, comma-separated), often a collector's API key: read by the OpenTelemetry SDK; every value is scrubbed from our output. The per-signal OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_HEADERS are treated alike.",
    example: 'api-key=<collector key>',
    secret: true,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    description: 'Exports only traces over OTLP, to this full URL (…/v1/traces).',
    example: 'http://127.0.0.1:4318/v1/traces',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    description: 'Exports only metrics over OTLP, to this full URL (…/v1/metrics).',
    example: 'http://127.0.0.1:4318/v1/metrics',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
    description: 'Exports only log records over OTLP, to this full URL (…/v1/logs).',
    example: 'http://127.0.0.1:4318/v1/logs',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'APPLICATION_INSIGHTS_NO_STATSBEAT',
    description:
      "Set to true when unset: the Azure Monitor exporter's own usage metrics (statsbeat) are not sent. Set it empty to let the exporter send them, to a Microsoft endpoint and on a timer of its own.",
    example: 'true',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_EXPORTER_OTLP_TIMEOUT',
    description:
      'Milliseconds an export may take (default 10000), Azure Monitor included: a collector that has not answered by then has its requests ended and the invocation goes on, with a warning.',
    example: '10000',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_LOG_LEVEL',
    description:
      "OpenTelemetry's own diagnostics on stderr at this level and above (error, warn, info, debug, verbose, all), scrubbed like every output; unset, none.",
    example: 'info',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_METRIC_EXPORT_INTERVAL',
    description:
      'Milliseconds between periodic metric exports (default 60000); the functions also export at the end of every invocation.',
    example: '60000',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_TRACES_EXPORTER',
    description:
      'none: spans are not exported over OTLP (nor recorded, when nothing else exports them); otlp (the default) exports them. Application Insights is not one of these exporters: its connection string alone decides.',
    example: 'none',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_METRICS_EXPORTER',
    description: 'none: metrics are not exported over OTLP; otlp (the default) exports them.',
    example: 'none',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_LOGS_EXPORTER',
    description:
      "none: log records are not exported over OTLP, and in the Functions host the worker's logs stay the host's to send; otlp (the default) exports them.",
    example: 'none',
    secret: false,
    inAzure: 'optional',
  },
  {
    name: 'OTEL_SDK_DISABLED',
    description: 'true: no telemetry at all, whatever else is set (the SDK is not even loaded).',
    example: 'true',
    secret: false,
    inAzure: 'optional',
  },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['name'];

/** Looks a setting up by name; the catalogue is small, so a scan is fine. */
export function settingSpec(name: SettingName): SettingSpec {
  const spec = SETTINGS.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown setting ${name}`);
  return spec;
}
