/** Where telemetry goes, read from the standard settings. */
export interface TelemetryTargets {
  /**
   * The signals exported over OTLP (see otlpEndpoints), each to the endpoint the
   * `OTEL_EXPORTER_OTLP_*` settings name for it; empty when none is.
   */
  readonly otlp: readonly OtlpSignal[];
  /** Application Insights, from `APPLICATIONINSIGHTS_CONNECTION_STRING`. */
  readonly azureMonitor?: {
    readonly connectionString: string;
    /**
     * Entra authentication (`APPLICATIONINSIGHTS_AUTHENTICATION_STRING` =
     * `ClientId=<id>;Authorization=AAD`): the managed identity to send with. `system` for the
     * system-assigned one (`Authorization=AAD` without a client id); unset without that setting.
     */
    readonly managedIdentity?: { readonly clientId: string } | 'system';
  };
}

type Env = Readonly<Record<string, string | undefined>>;

export type OtlpSignal = 'TRACES' | 'METRICS' | 'LOGS';

const OTLP_SIGNALS: readonly OtlpSignal[] = ['TRACES', 'METRICS', 'LOGS'];
const OTLP_ENDPOINT = 'OTEL_EXPORTER_OTLP_ENDPOINT';

const set = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== '';

/** An endpoint the OTLP/HTTP exporters can send to: an absolute http:// or https:// URL. */
function sendable(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value.trim()).protocol);
  } catch {
    return false;
  }
}

/** The standard setting that chooses a signal's exporters, and what the signal's items are. */
const EXPORTER_SETTINGS: Readonly<Record<OtlpSignal, { name: string; items: string }>> = {
  TRACES: { name: 'OTEL_TRACES_EXPORTER', items: 'spans' },
  METRICS: { name: 'OTEL_METRICS_EXPORTER', items: 'metrics' },
  LOGS: { name: 'OTEL_LOGS_EXPORTER', items: 'log records' },
};

/** The exporter names this app has: OTLP (over HTTP) and none. */
const SUPPORTED_EXPORTERS = ['otlp', 'none'];

/**
 * What `OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER` and `OTEL_LOGS_EXPORTER` ask for, as the
 * specification reads them (a comma-separated list; unset or empty: `otlp`): the signals that
 * may go over OTLP, and what cannot be done as asked (said as warnings). `none` alone sends
 * that signal nowhere over OTLP; beside other names the list is taken for the default, `otlp`,
 * as OpenTelemetry's Node SDK takes it. Names other than `otlp` and `none` (`console`,
 * `zipkin`, `prometheus`, ...) are named, and the signal goes over OTLP only if `otlp` is in the
 * list too. Application Insights is not one of these exporters:
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` alone turns it on, for every signal (its freshness
 * alert reads the log records).
 */
export function otlpExporterChoices(env: Env): { signals: OtlpSignal[]; problems: string[] } {
  const problems: string[] = [];
  const signals = OTLP_SIGNALS.filter((signal) => {
    const { name, items } = EXPORTER_SETTINGS[signal];
    let names = (env[name] ?? '')
      .split(',')
      .map((part) => part.trim().toLowerCase())
      .filter((part) => part !== '');
    if (names.length === 0) return true;
    if (names.length > 1 && names.includes('none')) {
      problems.push(`${name} names none beside other exporters; the default, otlp, is used`);
      names = ['otlp'];
    }
    const otlp = names.includes('otlp');
    const unsupported = [...new Set(names.filter((part) => !SUPPORTED_EXPORTERS.includes(part)))];
    if (unsupported.length > 0) {
      problems.push(
        `${name} names ${unsupported.join(', ')}, which this app does not have (it has otlp and none); ${otlp ? `${items} are exported over OTLP only` : `${items} are not exported over OTLP`}`,
      );
    }
    return otlp;
  });
  return { signals, problems };
}

/**
 * The signals exported over OTLP, and the endpoint settings that cannot be sent to. A signal
 * goes over OTLP when its `OTEL_<SIGNAL>_EXPORTER` allows it (see otlpExporterChoices) and an
 * endpoint is set for it: `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` when that is set, else
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, as the exporters read them. A set endpoint that is not an
 * http(s) URL (`localhost:4318`, a typo) is named in `unusable`, and the signals it was for are
 * not exported: the exporters would quietly send them to http://localhost:4318 instead.
 */
export function otlpEndpoints(
  env: Env,
  choices: { readonly signals: readonly OtlpSignal[] } = otlpExporterChoices(env),
): { signals: OtlpSignal[]; unusable: string[] } {
  const unusable = new Set<string>();
  const signals = choices.signals.filter((signal) => {
    const own = `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`;
    const name = set(env[own]) ? own : set(env[OTLP_ENDPOINT]) ? OTLP_ENDPOINT : undefined;
    if (!name) return false;
    if (sendable(env[name] ?? '')) return true;
    unusable.add(name);
    return false;
  });
  return { signals, unusable: [...unusable] };
}

/** `OTEL_SDK_DISABLED=true` (any case), as the OpenTelemetry specification defines it. */
export function sdkDisabled(env: Env): boolean {
  return env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true';
}

/**
 * Reads where to export, once, with what of the settings cannot be done as asked (`problems`,
 * to be said as warnings; the targets leave those parts out): to Azure Monitor when
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` is set and its exporter would take it (see
 * connectionStringProblem), over OTLP the signals otlpEndpoints finds, both when both are, and
 * nowhere (`targets` undefined: no SDK is even loaded) when neither is or `OTEL_SDK_DISABLED` is
 * `true` (then nothing is read, and nothing said).
 */
export function telemetryTargets(env: Env): {
  targets: TelemetryTargets | undefined;
  problems: string[];
} {
  if (sdkDisabled(env)) return { targets: undefined, problems: [] };
  const choices = otlpExporterChoices(env);
  const otlp = otlpEndpoints(env, choices);
  const problems = [
    ...choices.problems,
    ...otlp.unusable.map(
      (name) =>
        `${name} is not an http:// or https:// URL (an OTLP/HTTP collector's, e.g. http://localhost:4318); nothing is exported to it`,
    ),
  ];
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  let azureMonitor: TelemetryTargets['azureMonitor'];
  if (set(connectionString)) {
    const problem = connectionStringProblem(connectionString);
    if (problem) {
      problems.push(
        `nothing is sent to Application Insights: APPLICATIONINSIGHTS_CONNECTION_STRING ${problem} (copy it from the Application Insights resource's Overview)`,
      );
    } else {
      const auth = parseAuthenticationString(env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
      azureMonitor = { connectionString, ...(auth ? { managedIdentity: auth } : {}) };
    }
  }
  const targets =
    otlp.signals.length > 0 || azureMonitor
      ? { otlp: otlp.signals, ...(azureMonitor ? { azureMonitor } : {}) }
      : undefined;
  return { targets, problems };
}

/**
 * Why Application Insights' exporter would refuse this connection string, or `undefined` when it
 * takes it: it needs an `InstrumentationKey` that is a GUID in lower case (the exporter's own
 * check, which throws from its constructor). Said before the SDK loads, so that Azure Monitor is
 * left out and the rest of telemetry still starts. Never quotes the value.
 */
export function connectionStringProblem(connectionString: string): string | undefined {
  // Read as the exporter reads it: `key=value` pairs split on `;`, keys in any case, the last
  // one of a name winning, nothing trimmed.
  const key = connectionString
    .split(';')
    .map((part) => part.split('='))
    .filter((pair) => pair.length === 2 && pair[0]?.toLowerCase() === 'instrumentationkey')
    .at(-1)?.[1];
  if (key === undefined) return 'has no InstrumentationKey';
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(key)
    ? undefined
    : 'has an InstrumentationKey that is not a GUID in lower case';
}

/** `ClientId=<id>;Authorization=AAD` (keys case-insensitive, as Application Insights reads them). */
function parseAuthenticationString(
  value: string | undefined,
): { clientId: string } | 'system' | undefined {
  if (!set(value)) return undefined;
  const parts = new Map(
    value
      .split(';')
      .map((part) => part.split('='))
      .filter((kv): kv is [string, string] => kv.length === 2)
      .map(([k, v]) => [k.trim().toLowerCase(), v.trim()]),
  );
  if (parts.get('authorization')?.toUpperCase() !== 'AAD') return undefined;
  const clientId = parts.get('clientid');
  return clientId ? { clientId } : 'system';
}
