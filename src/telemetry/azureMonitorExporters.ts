// Application Insights' exporters, made once, with what the Azure Monitor exporter does on its
// own turned into what the rest of telemetry does: nothing left running after an invocation,
// and a refusal said rather than dropped without a word.
import type {
  AzureMonitorExporterOptions,
  AzureMonitorLogExporter,
  AzureMonitorMetricExporter,
  AzureMonitorTraceExporter,
} from '@azure/monitor-opentelemetry-exporter';
import type { TokenCredential } from '@azure/identity';
import type { TelemetryTargets } from './telemetryTargets.js';

type MonitorTarget = NonNullable<TelemetryTargets['azureMonitor']>;
type PipelinePolicy = NonNullable<
  AzureMonitorExporterOptions['additionalPolicies']
>[number]['policy'];

/**
 * Application Insights exporters. Local (instrumentation key) authentication is disabled in the
 * infra: they send with the app's managed identity, as APPLICATIONINSIGHTS_AUTHENTICATION_STRING
 * names it.
 */
export async function azureMonitorExporters(
  monitor: MonitorTarget,
  warn: (message: string) => void,
): Promise<{
  traces: AzureMonitorTraceExporter;
  metrics: AzureMonitorMetricExporter;
  logs: AzureMonitorLogExporter;
}> {
  // Statsbeat, the exporter's own usage metrics about itself, goes to a Microsoft endpoint that
  // is not the connection string's, on a timer of its own and again at shutdown: work after the
  // invocation has returned, and egress a private network may not allow (a CLI run waited 2 s
  // at exit for it to give up). Off unless set; an empty value lets the exporter send them.
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true';
  const [exporters, credential] = await Promise.all([
    import('@azure/monitor-opentelemetry-exporter'),
    monitorCredential(monitor.managedIdentity),
  ]);
  const options: AzureMonitorExporterOptions = {
    connectionString: monitor.connectionString,
    ...(credential ? { credential } : {}),
    // Telemetry the service refuses, or that cannot be sent, is dropped (as OTLP's is) rather
    // than kept on the instance's disk and re-sent by a timer after the invocation has returned
    // (the host may have recycled the instance by then; a Flex instance's disk goes with it).
    disableOfflineStorage: true,
    additionalPolicies: [{ policy: refusalReporter(warn), position: 'perCall' }],
  };
  return {
    traces: new exporters.AzureMonitorTraceExporter(options),
    metrics: new exporters.AzureMonitorMetricExporter(options),
    logs: new exporters.AzureMonitorLogExporter(options),
  };
}

/** The managed identity credential the authentication string names, if any. */
export async function monitorCredential(
  identity: MonitorTarget['managedIdentity'],
): Promise<TokenCredential | undefined> {
  if (!identity) return undefined;
  const { ManagedIdentityCredential } = await import('@azure/identity');
  return identity === 'system'
    ? new ManagedIdentityCredential()
    : new ManagedIdentityCredential({ clientId: identity.clientId });
}

/** What to check, by the ingestion endpoint's status. */
function hintFor(status: number): string {
  if (status === 401 || status === 403) {
    return 'check APPLICATIONINSIGHTS_AUTHENTICATION_STRING (ClientId=<managed identity client id>;Authorization=AAD) and that this identity has the Monitoring Metrics Publisher role on the Application Insights resource';
  }
  if (status === 400) return 'check APPLICATIONINSIGHTS_CONNECTION_STRING';
  if (status === 402 || status === 429 || status === 439) {
    return "the resource's daily cap or rate limit is reached";
  }
  return 'the telemetry of this export is lost; the sync is not affected';
}

/** What `said` keeps for an export that got no answer. */
const NO_ANSWER = 0;

/**
 * The exporter takes a refusal from the ingestion endpoint as something to retry later (a
 * missing role, a quota) or to ignore (a wrong key); with offline storage off it drops the
 * telemetry and reports success either way, and not even OpenTelemetry's diagnostics say so;
 * an export that gets no answer (the network, no token) goes the same way. This policy, in the
 * exporter's own HTTP pipeline, reads each answer and says a refusal once per status, and no
 * answer once, with what to check.
 */
function refusalReporter(warn: (message: string) => void): PipelinePolicy {
  const said = new Set<number>();
  return {
    name: 'todoSyncIngestionRefusals',
    async sendRequest(request, next) {
      let response: Awaited<ReturnType<typeof next>>;
      try {
        response = await next(request);
      } catch (err) {
        // No answer at all (the network, or no token for it): dropped as silently as a refusal.
        if (!said.has(NO_ANSWER)) {
          said.add(NO_ANSWER);
          const reason = (err instanceof Error ? err.message : 'unknown error').slice(0, 300);
          warn(
            `telemetry: Application Insights could not be sent to (${reason}); check that this instance reaches the connection string's IngestionEndpoint (on a private network: the Azure Monitor private link scope and its DNS zones) and, with Entra authentication, that its managed identity can get a token`,
          );
        }
        throw err;
      }
      if (response.status >= 400 && !said.has(response.status)) {
        said.add(response.status);
        const reason = refusalReason(response.bodyAsText);
        warn(
          `telemetry: Application Insights refused an export (HTTP ${response.status.toString()}${reason ? `: ${reason}` : ''}); ${hintFor(response.status)}`,
        );
      }
      return response;
    },
  };
}

/** The first error message of an ingestion answer (`{errors: [{message}]}`), if it has one. */
function refusalReason(body: string | null | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? '') as { errors?: { message?: unknown }[] };
    const message = parsed.errors?.[0]?.message;
    return typeof message === 'string' ? message.slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
