import functions from '@azure/functions';
import { context, propagation } from '@opentelemetry/api';
import { logs, type LoggerProvider } from '@opentelemetry/api-logs';
import {
  NO_TELEMETRY,
  prepareTelemetry,
  type Telemetry,
  type TelemetryOptions,
} from './startTelemetry.js';

/**
 * Telemetry for the Functions host, set up by the entry module (src/index.ts) before any
 * function registers. When an exporter is configured:
 * - `@azure/functions-opentelemetry-instrumentation` is applied to the one `@azure/functions`
 *   the app uses (its module hook cannot see into the bundle, so its patch is called
 *   explicitly): it tells the host the worker sends its own telemetry (host.json
 *   `"telemetryMode": "OpenTelemetry"`), sends worker logs through OpenTelemetry (a log hook),
 *   and runs each invocation in the host's trace context (a preInvocation hook);
 * - on a host before 4.34 (Node worker before 3.10) log hooks do not exist and registering one
 *   throws: that is warned once, and the invocation's trace context is still bound;
 * - the SDK and its exporters (about 170 KB of code to evaluate) load after the entry module has
 *   finished, while the host goes on starting the app (reading the functions' metadata, starting
 *   their listeners), not before the worker can report its functions; each invocation waits for
 *   them before its handler runs (the first preInvocation hook), so nothing of it goes
 *   unrecorded, and a first invocation that comes sooner waits for the rest of the load;
 * - each invocation's spans, metrics and logs are exported before the invocation returns
 *   (a postInvocation hook), so nothing of it is left running or lost when the host recycles.
 * Without an exporter nothing is loaded or registered. Never throws; `started` settles once the
 * SDK has started (or could not: it is then NO_TELEMETRY, and said through `warn`).
 */
export async function startFunctionsTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  output: Pick<TelemetryOptions, 'warn' | 'diagnostic'>,
): Promise<{ readonly started: Promise<Telemetry> }> {
  const { warn } = output;
  const prepared = prepareTelemetry(env, { serviceName: 'todo-sync', ...output });
  if (!prepared) return { started: Promise.resolve(NO_TELEMETRY) };
  const { app } = functions;
  let instrumentation: { setLoggerProvider(provider: LoggerProvider): void } | undefined;
  let starting: Promise<Telemetry> | undefined;
  const started = (): Promise<Telemetry> =>
    (starting ??= prepared.start().then((telemetry) => {
      // The instrumentation took its logger before the SDK registered its logger provider, from
      // its own copy of the logs API (whose proxy is never told of the provider): give it the
      // SDK's, before any invocation runs.
      if (telemetry.exporting) {
        instrumentation?.setLoggerProvider(logs.getLoggerProvider());
      } else {
        // What cannot be checked before loading (the SDK's own modules failing to load): the
        // host has been told this worker sends its logs, and setup is locked by now.
        warn(
          'telemetry: worker logs are not recorded either (the host was told this worker sends them itself); fix the problem above or remove the OpenTelemetry settings, then restart the app',
        );
      }
      return telemetry;
    }));
  // Registered first, so that it runs before the instrumentation's hook below: the W3C
  // propagator that hook extracts the host's trace context with is the SDK's.
  app.hook.preInvocation(async () => {
    await started();
  });
  try {
    const loaded = await import('@azure/functions-opentelemetry-instrumentation');
    // A webpack-built CommonJS module: Node's ESM loader cannot detect its named exports, so
    // (unbundled) they are only on `default`; esbuild's interop in the bundles gives both.
    const { AzureFunctionsInstrumentation } =
      (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
    const applied = new AzureFunctionsInstrumentation({ enabled: false });
    instrumentation = applied;
    for (const definition of applied.getModuleDefinitions()) {
      definition.patch?.(functions);
    }
  } catch (err) {
    warn(
      `telemetry: worker logs are not sent through OpenTelemetry (${err instanceof Error ? err.message : 'unknown error'}); traces and metrics are`,
    );
    // The instrumentation told the host, before its log hook failed, that the worker sends its
    // own logs: take that back, so that the host goes on sending them.
    try {
      app.setup({ capabilities: { WorkerOpenTelemetryEnabled: false } });
    } catch {
      // Setup already locked (the app had started): there is nothing to take back any more.
    }
    app.hook.preInvocation((hook) => {
      const trace = hook.invocationContext.traceContext;
      if (!trace?.traceParent) return;
      hook.functionHandler = context.bind(
        propagation.extract(context.active(), {
          traceparent: trace.traceParent,
          tracestate: trace.traceState ?? undefined,
        }),
        hook.functionHandler,
      );
    });
  }
  app.hook.postInvocation(async () => {
    await (await started()).flush();
  });
  // Not awaited: the load goes on after the entry module has finished (see above).
  return { started: started() };
}
