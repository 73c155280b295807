import functions, { type PreInvocationHandler } from '@azure/functions';
import { context, propagation } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import {
  applyFunctionsInstrumentation,
  InstrumentationHooks,
  loadFunctionsInstrumentation,
} from './lateFunctionsInstrumentation.js';
import {
  NO_TELEMETRY,
  prepareTelemetry,
  type Telemetry,
  type TelemetryOptions,
} from './startTelemetry.js';

/**
 * Telemetry for the Functions host, set up by the entry module (src/index.ts) before any
 * function registers. When an exporter is configured:
 * - `@azure/functions-opentelemetry-instrumentation` tells the host the worker sends its own
 *   telemetry (host.json `"telemetryMode": "OpenTelemetry"`), sends worker logs through
 *   OpenTelemetry (a log hook), and runs each invocation in the host's trace context (a
 *   preInvocation hook). What of that must happen before the app has loaded (the capability,
 *   and learning whether the host takes log hooks) happens now; the instrumentation itself loads
 *   with the SDK (see InstrumentationHooks);
 * - on a host before 4.34 (Node worker before 3.10) log hooks do not exist and registering one
 *   throws: that is warned once, the host keeps sending the worker's logs, and the invocation's
 *   trace context is still bound;
 * - the SDK, its exporters and the instrumentation (about 200 KB of code to evaluate) load after
 *   the entry module has finished, while the host goes on starting the app (reading the
 *   functions' metadata, starting their listeners), not before the worker can report its
 *   functions; each invocation waits for them before its handler runs (the first preInvocation
 *   hook), so nothing of it goes unrecorded, and a first invocation that comes sooner waits for
 *   the rest of the load;
 * - each invocation's spans, metrics and logs are exported before the invocation returns
 *   (a postInvocation hook), so nothing of it is left running or lost when the host recycles.
 * When log records are exported nowhere (OTEL_LOGS_EXPORTER=none), the host keeps the worker's
 * logs and the instrumentation is not loaded: the trace context is bound here. Without an
 * exporter nothing is loaded or registered. Never throws; `started` settles once the
 * SDK has started (or could not: it is then NO_TELEMETRY, and said through `warn`).
 */
export function startFunctionsTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  output: Pick<TelemetryOptions, 'warn' | 'diagnostic'>,
): { readonly started: Promise<Telemetry> } {
  const { warn } = output;
  const prepared = prepareTelemetry(env, { serviceName: 'todo-sync', ...output });
  if (!prepared) return { started: Promise.resolve(NO_TELEMETRY) };
  const { app } = functions;
  let starting: Promise<Telemetry> | undefined;
  const started = (): Promise<Telemetry> => (starting ??= start());
  // Registered first, so that it runs before the trace-context hook below: the W3C propagator
  // that hook extracts the host's trace context with is the SDK's.
  app.hook.preInvocation(async () => {
    await started();
  });
  const hooks = new InstrumentationHooks();
  if (!prepared.logs) {
    // Log records go nowhere (OTEL_LOGS_EXPORTER=none, or OTLP endpoints for other signals
    // only): the host keeps sending the worker's logs, as without telemetry; only the trace
    // context is needed of the instrumentation, and bound here.
    hooks.bindTraceContext(bindHostTraceContext);
  } else {
    try {
      hooks.holdWorkerLogs();
    } catch (err) {
      warn(
        `telemetry: worker logs are not sent through OpenTelemetry (${err instanceof Error ? err.message : 'unknown error'}); traces and metrics are`,
      );
      hooks.bindTraceContext(bindHostTraceContext);
    }
  }
  // Setup is locked by the time these are known: the host cannot be told to send the worker's
  // logs again.
  const start = async (): Promise<Telemetry> => {
    const instrumentation = hooks.logsHeld ? loadFunctionsInstrumentation() : undefined;
    const telemetry = await prepared.start();
    if (!instrumentation) return telemetry;
    if (!telemetry.exporting) {
      // The SDK's own modules failed to load (said above): nothing checked before loading.
      hooks.dropWorkerLogs();
      warn(
        'telemetry: worker logs are not recorded either (the host was told this worker sends them itself); fix the problem above or remove the OpenTelemetry settings, then restart the app',
      );
      return telemetry;
    }
    try {
      applyFunctionsInstrumentation(await instrumentation, hooks, logs.getLoggerProvider(), warn);
    } catch (err) {
      hooks.dropWorkerLogs();
      hooks.bindTraceContext(bindHostTraceContext);
      warn(
        `telemetry: worker logs are not recorded (the Functions OpenTelemetry instrumentation failed: ${err instanceof Error ? err.message : 'unknown error'}; the host was told this worker sends them itself); traces and metrics are`,
      );
    }
    return telemetry;
  };
  app.hook.postInvocation(async () => {
    await (await started()).flush();
  });
  // Not awaited: the load goes on after the entry module has finished (see above).
  return { started: started() };
}

/**
 * What the instrumentation's preInvocation hook does, for when it cannot: runs the handler in
 * the host's trace context (the invocation's span, which the host started).
 */
const bindHostTraceContext: PreInvocationHandler = (hook) => {
  const trace = hook.invocationContext.traceContext;
  if (!trace?.traceParent) return;
  hook.functionHandler = context.bind(
    propagation.extract(context.active(), {
      traceparent: trace.traceParent,
      tracestate: trace.traceState ?? undefined,
    }),
    hook.functionHandler,
  );
};
