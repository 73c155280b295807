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

/**
 * Starts OpenTelemetry when an exporter is configured (see telemetryTargets) and does nothing
 * otherwise: the SDK and the exporters are imported only then (a chunk of their own in the
 * bundles), so a process without telemetry pays for none of it; the spans and metrics the app
 * makes through `@opentelemetry/api` are then no-ops. Never throws: telemetry that cannot start
 * is reported through `warn` and the app runs without it.
 */
export async function startTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  options: TelemetryOptions,
): Promise<Telemetry> {
  const targets = telemetryTargets(env);
  if (!targets) return NO_TELEMETRY;
  routeDiagnostics(env, options.diagnostic, options.warn);
  try {
    const { startTelemetrySdk } = await import('./telemetrySdk.js');
    return await startTelemetrySdk(targets, options);
  } catch (err) {
    options.warn(
      `telemetry is off: the OpenTelemetry SDK could not start (${err instanceof Error ? err.message : 'unknown error'})`,
    );
    return NO_TELEMETRY;
  }
}
