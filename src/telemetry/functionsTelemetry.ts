import functions from '@azure/functions';
import { context, propagation } from '@opentelemetry/api';
import { startTelemetry, type Telemetry, type TelemetryOptions } from './startTelemetry.js';

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
 * - each invocation's spans, metrics and logs are exported before the invocation returns
 *   (a postInvocation hook), so nothing of it is left running or lost when the host recycles.
 * Without an exporter nothing is loaded or registered. Never throws.
 */
export async function startFunctionsTelemetry(
  env: Readonly<Record<string, string | undefined>>,
  output: Pick<TelemetryOptions, 'warn' | 'diagnostic'>,
): Promise<Telemetry> {
  const { warn } = output;
  const telemetry = await startTelemetry(env, { serviceName: 'todo-sync', ...output });
  if (!telemetry.exporting) return telemetry;
  const { app } = functions;
  try {
    const loaded = await import('@azure/functions-opentelemetry-instrumentation');
    // A webpack-built CommonJS module: Node's ESM loader cannot detect its named exports, so
    // (unbundled) they are only on `default`; esbuild's interop in the bundles gives both.
    const { AzureFunctionsInstrumentation } =
      (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
    const instrumentation = new AzureFunctionsInstrumentation({ enabled: false });
    for (const definition of instrumentation.getModuleDefinitions()) {
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
  app.hook.postInvocation(() => telemetry.flush());
  return telemetry;
}
