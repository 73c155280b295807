// What a failed export says: the reason as the collector or the network gave it, and what to
// check. OpenTelemetry's own wording ("Unauthorized", "Export failed with retryable status",
// an array of errors) does not tell an operator what to do.
import type { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import type { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';

/** The OTLP exporters' message once a retryable answer (429, 502, 503, 504) outlasted them. */
const RETRIES_RAN_OUT = 'Export failed with retryable status';

/** At most this much of a collector's own message is quoted. */
const MAX_DETAIL = 200;

/** The `message` of the OTLP Status a collector answers an error with, when it sends one. */
function collectorMessage(body: unknown): string | undefined {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const { message } = JSON.parse(body) as { message?: unknown };
    if (typeof message !== 'string' || message.trim() === '') return undefined;
    const line = message.replace(/\s+/g, ' ').trim();
    return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}...` : line;
  } catch {
    return undefined;
  }
}

/**
 * ` (<reason>); <what to check>` for a failed export: the providers reject with their
 * processors' errors in an array (nested when processors are); each is a network error, the
 * collector's HTTP answer (OTLPExporterError: `code` the status, `data` the body), or retries
 * that ran out. `otlp`: whether an OTLP collector is configured; the hints are about it
 * (Application Insights' failures are explained by azureMonitorExporters' own warning).
 */
export function explainExportFailure(failure: unknown, otlp: boolean): string {
  const errors: Error[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value instanceof AggregateError) collect(value.errors);
    else if (value instanceof Error) errors.push(value);
    else if (typeof value === 'string') errors.push(new Error(value));
  };
  collect(failure);
  const reasons = new Set(
    errors.map((error) => {
      const { code, data } = error as { code?: unknown; data?: unknown };
      if (typeof code === 'number') {
        const detail = collectorMessage(data);
        return `HTTP ${code.toString()} ${error.message}${detail ? `: ${detail}` : ''}`;
      }
      if (error.message === RETRIES_RAN_OUT) {
        return 'the collector answered 429, 502, 503 or 504 to every attempt within OTEL_EXPORTER_OTLP_TIMEOUT';
      }
      return error.message;
    }),
  );
  const reason = reasons.size > 0 ? [...reasons].join('; ') : 'unknown error';
  return ` (${reason})${otlp ? hintFor(errors[0]) : ''}`;
}

function hintFor(error: Error | undefined): string {
  const { code } = (error ?? {}) as { code?: unknown };
  if (code === 401 || code === 403) {
    return '; check OTEL_EXPORTER_OTLP_HEADERS (where a collector takes its API key)';
  }
  if (typeof code === 'number' || error?.message === RETRIES_RAN_OUT) return '';
  return '; check that the OTLP collector its OTEL_EXPORTER_OTLP_*ENDPOINT setting names is up and reachable';
}

/** `ExportResultCode.SUCCESS` (@opentelemetry/core), what an exporter's callback gets on success. */
const EXPORT_SUCCEEDED = 0;

/**
 * The exporter, saying each export that failed through `warn`. The metric reader and the log
 * processor give a failed export only to OpenTelemetry's global error handler (silent unless
 * OTEL_LOG_LEVEL is set, and one per copy of @opentelemetry/core, of which the app has several)
 * and their flush succeeds all the same. (A span processor's flush fails, and the flush says
 * it.)
 */
export function sayingFailures<T extends OTLPMetricExporter | OTLPLogExporter>(
  exporter: T,
  what: string,
  warn: (message: string) => void,
): T {
  type Done = (result: { code: number; error?: Error }) => void;
  const send = exporter.export.bind(exporter) as (items: unknown, done: Done) => void;
  (exporter as unknown as { export: typeof send }).export = (items, done) => {
    send(items, (result) => {
      if (result.code !== EXPORT_SUCCEEDED) {
        warn(`telemetry: ${what} failed${explainExportFailure(result.error, true)}`);
      }
      done(result);
    });
  };
  return exporter;
}
