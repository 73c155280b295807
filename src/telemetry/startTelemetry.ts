import { routeDiagnostics } from './diagnostics.js';
import { telemetryTargets } from './telemetryTargets.js';

/** The process's telemetry: exporting somewhere, or nothing at all. */
export interface Telemetry {
  readonly exporting: boolean;
  /** Exports everything recorded so far (spans, metrics, logs); never throws. */
  flush(): Promise<void>;
  /** Flushes and stops the exporters; never throws. */
  shutdown(): Promise<void>;
}

export const NO_TELEMETRY: Telemetry = {
  exporting: false,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

export interface TelemetryOptions {
  /** `service.name` unless `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) says otherwise. */
  readonly serviceName: string;
  /** Told once of each problem that keeps a part of telemetry from working. */
  readonly warn: (message: string) => void;
  /** OpenTelemetry's own diagnostics, one line each, when OTEL_LOG_LEVEL asks for them. */
  readonly diagnostic: (line: string) => void;
}

/** Telemetry whose targets are known and usable, ready to load the SDK. */
export interface PreparedTelemetry {
  /**
   * Whether log records are exported anywhere (Application Insights, or OTLP with its logs
   * allowed): only then may the Functions host be told that the worker sends its own logs.
   */
  readonly logs: boolean;
  /** Loads and starts the SDK and exporters; never throws (NO_TELEMETRY when it cannot start). */
  start(): Promise<Telemetry>;
}

/**
 * What is decided before the SDK loads: where telemetry goes (see telemetryTargets), with what
 * cannot work said through `warn` now and left out (an OTLP endpoint that is not an http(s)
 * URL, an Application Insights connection string its exporter would refuse: the other targets
 * still start), and OpenTelemetry's diagnostics routed. `undefined` when telemetry goes
 * nowhere: nothing more is loaded.
 */
export function prepareTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  options: TelemetryOptions,
): PreparedTelemetry | undefined {
  const { targets, problems } = telemetryTargets(env);
  for (const problem of problems) options.warn(`telemetry: ${problem}`);
  if (!targets) return undefined;
  routeDiagnostics(env, options.diagnostic, options.warn);
  return {
    logs: targets.azureMonitor !== undefined || targets.otlp.includes('LOGS'),
    start: async () => {
      try {
        const { startTelemetrySdk } = await import('./telemetrySdk.js');
        return await startTelemetrySdk(targets, options);
      } catch (err) {
        options.warn(
          `telemetry is off: the OpenTelemetry SDK could not start (${err instanceof Error ? err.message : 'unknown error'})`,
        );
        return NO_TELEMETRY;
      }
    },
  };
}

/**
 * Starts OpenTelemetry when an exporter is configured (see prepareTelemetry) and does nothing
 * otherwise: the SDK and the exporters are imported only then (a chunk of their own in the
 * bundles), so a process without telemetry pays for none of it; the spans and metrics the app
 * makes through `@opentelemetry/api` are then no-ops. Never throws: telemetry that cannot start
 * is reported through `warn` and the app runs without it.
 */
export async function startTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  options: TelemetryOptions,
): Promise<Telemetry> {
  return (await prepareTelemetry(env, options)?.start()) ?? NO_TELEMETRY;
}
