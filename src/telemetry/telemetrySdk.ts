// The OpenTelemetry SDK and its exporters: imported (a chunk of its own in the bundles) only
// when an exporter is configured. See startTelemetry.
import * as coreTracing from '@azure/core-tracing';
import { AzureSdkInstrumentation } from '@azure/opentelemetry-instrumentation-azure-sdk';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { callWithin } from '../core/boundedSignal.js';
import { azureMonitorExporters } from './azureMonitorExporters.js';
import { ExportAgents } from './exportAgents.js';
import { explainExportFailure, sayingFailures } from './exportFailures.js';
import type { Telemetry, TelemetryOptions } from './startTelemetry.js';
import type { TelemetryTargets } from './telemetryTargets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Attributes that hold URLs: recorded without their query strings (SAS tokens live there). */
const URL_ATTRIBUTES = ['url.full', 'http.url'];

/**
 * Cuts the query string from URL attributes as each span ends, whoever set them (the Azure SDKs
 * record `http.url` with the query's values redacted; we keep none of it).
 */
const querylessUrls: SpanProcessor = {
  onStart: () => undefined,
  onEnding: (span) => {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string' && /[?#]/.test(value)) {
        span.setAttribute(key, value.replace(/[?#].*$/s, ''));
      }
    }
  },
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** How long an export whose sockets were ended gets to settle (it fails at once). */
const ENDED_GRACE_MS = 1000;

/** The specification's default for OTEL_EXPORTER_OTLP_TIMEOUT. */
const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;

/**
 * How long an export may take: OTEL_EXPORTER_OTLP_TIMEOUT (ms), or the longest of the
 * per-signal ones (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, ...), as the OTLP exporters read them.
 * The exporters end a request that hangs after it; the same bound caps every wait for an export
 * (Azure Monitor's included), so that a collector that hangs never holds an invocation longer.
 */
function exportTimeoutMs(env: Env): number {
  const read = (name: string): number | undefined => {
    const value = Number(env[name]?.trim() || NaN);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const all = read('OTEL_EXPORTER_OTLP_TIMEOUT') ?? DEFAULT_EXPORT_TIMEOUT_MS;
  return Math.max(
    ...['TRACES', 'METRICS', 'LOGS'].map(
      (signal) => read(`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`) ?? all,
    ),
  );
}

/**
 * The OTLP exporters bundled here send OTLP/HTTP with JSON bodies (OpenTelemetry Collectors take
 * it on their HTTP port beside protobuf; gRPC would be a second set of exporters, for a daemon
 * that exports a few dozen items per run). Another protocol asked for in
 * OTEL_EXPORTER_OTLP_PROTOCOL or a per-signal ..._PROTOCOL is named, and JSON is sent anyway.
 */
function unsupportedProtocols(env: Env): string[] {
  return ['', 'TRACES_', 'METRICS_', 'LOGS_']
    .map((signal) => `OTEL_EXPORTER_OTLP_${signal}PROTOCOL`)
    .filter((name) => {
      const value = env[name]?.trim();
      return value !== undefined && value !== '' && value !== 'http/json';
    })
    .map(
      (name) =>
        `${name}=${env[name]?.trim() ?? ''} is not supported; OTLP is sent as http/json (OTLP/HTTP with JSON bodies, which OpenTelemetry Collectors take on their HTTP port, 4318 by default)`,
    );
}

/**
 * Starts tracing, metrics and logs with the configured exporters and registers them globally
 * (the W3C trace-context propagator and an AsyncLocalStorage context manager included), then
 * routes the Azure SDKs' own tracing (storage, Key Vault, identity) into OpenTelemetry. The
 * standard settings apply as the SDK reads them: OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_TRACES_SAMPLER(_ARG), OTEL_EXPORTER_OTLP_* (endpoint, headers, timeout),
 * OTEL_METRIC_EXPORT_INTERVAL, OTEL_BSP_*; OTEL_TRACES/METRICS/LOGS_EXPORTER as telemetryTargets
 * has read them (`targets.otlp`).
 */
export async function startTelemetrySdk(
  targets: TelemetryTargets,
  options: TelemetryOptions,
  env: Env = process.env,
): Promise<Telemetry> {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': options.serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));

  const spanProcessors: SpanProcessor[] = [querylessUrls];
  const metricExporters: PushMetricExporter[] = [];
  const logProcessors: LogRecordProcessor[] = [];
  const agents = new ExportAgents();
  const signals = targets.otlp;
  if (signals.length > 0) {
    for (const problem of unsupportedProtocols(env)) options.warn(`telemetry: ${problem}`);
    if (signals.includes('TRACES')) {
      const exporter = new OTLPTraceExporter({ httpAgentOptions: agents.factoryFor('TRACES') });
      spanProcessors.push(new BatchSpanProcessor(exporter));
    }
    if (signals.includes('METRICS')) {
      const exporter = new OTLPMetricExporter({ httpAgentOptions: agents.factoryFor('METRICS') });
      metricExporters.push(sayingFailures(exporter, 'exporting metrics', options.warn));
    }
    if (signals.includes('LOGS')) {
      const exporter = new OTLPLogExporter({ httpAgentOptions: agents.factoryFor('LOGS') });
      logProcessors.push(
        new BatchLogRecordProcessor({
          exporter: sayingFailures(exporter, 'exporting logs', options.warn),
        }),
      );
    }
  }
  if (targets.azureMonitor) {
    const monitor = await azureMonitorExporters(targets.azureMonitor, options.warn);
    spanProcessors.push(new BatchSpanProcessor(monitor.traces));
    metricExporters.push(monitor.metrics);
    logProcessors.push(new BatchLogRecordProcessor({ exporter: monitor.logs }));
  }

  // With no span exporter (OTEL_TRACES_EXPORTER=none, metrics or logs still exported), spans
  // are not even recorded: the context still flows (log records keep the host's trace).
  const tracing = spanProcessors.some((processor) => processor !== querylessUrls);
  const tracerProvider = new NodeTracerProvider({
    resource,
    spanProcessors,
    ...(tracing ? {} : { sampler: new AlwaysOffSampler() }),
  });
  tracerProvider.register();
  const readers = metricExporters.map(
    (exporter) =>
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: Number(env.OTEL_METRIC_EXPORT_INTERVAL ?? '') || 60_000,
      }),
  );
  const meterProvider = new MeterProvider({ resource, readers });
  const { metrics } = await import('@opentelemetry/api');
  metrics.setGlobalMeterProvider(meterProvider);
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors });
  logs.setGlobalLoggerProvider(loggerProvider);

  // The Azure SDKs trace through @azure/core-tracing's instrumenter: give it OpenTelemetry's.
  // The instrumentation's own module hook is left disabled (it cannot see into a bundle); its
  // patch is applied to the one core-tracing the app has, explicitly.
  for (const definition of new AzureSdkInstrumentation({ enabled: false }).getModuleDefinitions()) {
    definition.patch?.(coreTracing);
  }

  // A failed or hung export costs the invocation at most the export timeout, and is said; the
  // run's own outcome is unchanged. An OTLP export still running then is ended (its sockets),
  // so that nothing of it outlives the invocation.
  const timeoutMs = exportTimeoutMs(env);
  const seconds = `${(timeoutMs / 1000).toString()} s (OTEL_EXPORTER_OTLP_TIMEOUT)`;
  const quietly = async (work: () => Promise<unknown>, what: string): Promise<void> => {
    const timedOut = new Error(`${what} did not finish within ${seconds}`);
    let failure: unknown;
    const running = work().catch((raw: unknown) => {
      failure = raw;
      throw raw;
    });
    try {
      await callWithin(
        undefined,
        timeoutMs,
        () => timedOut,
        () => running,
      );
    } catch (err) {
      if (err === timedOut) {
        agents.endAll();
        await callWithin(
          undefined,
          ENDED_GRACE_MS,
          () => timedOut,
          () => running,
        ).catch(() => undefined);
      }
      options.warn(
        err === timedOut
          ? `telemetry: ${timedOut.message}; went on without it`
          : `telemetry: ${what} failed${explainExportFailure(failure ?? err, signals.length > 0)}`,
      );
    }
  };
  return {
    exporting: true,
    flush: async () => {
      await Promise.all([
        quietly(() => tracerProvider.forceFlush(), 'exporting spans'),
        quietly(() => meterProvider.forceFlush(), 'exporting metrics'),
        quietly(() => loggerProvider.forceFlush(), 'exporting logs'),
      ]);
    },
    shutdown: async () => {
      await Promise.all([
        quietly(() => tracerProvider.shutdown(), 'exporting spans'),
        quietly(() => meterProvider.shutdown(), 'exporting metrics'),
        quietly(() => loggerProvider.shutdown(), 'exporting logs'),
      ]);
    },
  };
}
