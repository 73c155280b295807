import functions, {
  type LogHookContext,
  type LogHookHandler,
  type PreInvocationHandler,
} from '@azure/functions';
import type { LoggerProvider } from '@opentelemetry/api-logs';

/**
 * The hooks of `@azure/functions-opentelemetry-instrumentation`, registered while the entry
 * module runs, for the instrumentation to fill once it has loaded with the SDK, after the app
 * has started. Its patch does three things; this does what of them must happen before the app
 * has loaded, without loading it:
 * - `app.setup({ capabilities: { WorkerOpenTelemetryEnabled: true } })`: the worker sends its
 *   own logs, the host stops sending them. Setup locks once the app has loaded, and whether the
 *   host takes log hooks (4.34+, worker 3.10+) must be known by then: the one way to know is to
 *   register one (`holdWorkerLogs`);
 * - a log hook: until the instrumentation's handler takes it over, it keeps the worker's lines,
 *   and hands them to that handler then;
 * - a preInvocation hook that runs the handler in the host's trace context: registered now, in
 *   its place among the hooks (right after the one that makes invocations wait for the SDK), so
 *   that it runs for every invocation, the first included (the one the SDK's load may still be
 *   awaited for), whatever the worker does with hooks registered while others run.
 */
export class InstrumentationHooks {
  /** Lines kept at most (start-up says a few; a flood before the SDK loads is cut). */
  static readonly KEPT_LINES = 200;
  #held = false;
  #kept: LogHookContext[] | undefined;
  #dropped = 0;
  #logHandler: LogHookHandler | undefined;
  #traceHandler: PreInvocationHandler | undefined;

  /** Registers the preInvocation hook (which does nothing until `bindTraceContext`). */
  constructor() {
    functions.app.hook.preInvocation((context) => this.#traceHandler?.(context));
  }

  /**
   * Registers the log hook, keeping the worker's lines, and tells the host the worker sends its
   * own logs. Throws (the host's refusal, "Log hooks require Azure Functions Host v4.34 or
   * higher.") when the host takes no log hooks; nothing is set then.
   */
  holdWorkerLogs(): void {
    functions.app.hook.log((context) => {
      if (this.#logHandler) this.#logHandler(context);
      else if (this.#kept && this.#kept.length < InstrumentationHooks.KEPT_LINES) {
        this.#kept.push(context);
      } else if (this.#kept) this.#dropped++;
    });
    this.#kept = [];
    functions.app.setup({ capabilities: { WorkerOpenTelemetryEnabled: true } });
    this.#held = true;
  }

  /** Whether `holdWorkerLogs` worked: the host takes log hooks, and was told. */
  get logsHeld(): boolean {
    return this.#held;
  }

  /**
   * `handler` gets the worker's lines from now on (until `stop`), the ones kept so far first;
   * `dropped`: how many were not kept, beyond KEPT_LINES.
   */
  forwardLogs(handler: LogHookHandler): { dropped: number; stop: () => void } {
    for (const context of this.#kept?.splice(0) ?? []) handler(context);
    this.#kept = undefined;
    this.#logHandler = handler;
    return {
      dropped: this.#dropped,
      stop: () => {
        if (this.#logHandler === handler) this.#logHandler = undefined;
      },
    };
  }

  /** Stops keeping lines (there is nothing to hand them to: telemetry did not start). */
  dropWorkerLogs(): void {
    this.#kept = undefined;
  }

  /** `handler` runs before each invocation's handler from now on (until the returned stop). */
  bindTraceContext(handler: PreInvocationHandler): () => void {
    this.#traceHandler = handler;
    return () => {
      if (this.#traceHandler === handler) this.#traceHandler = undefined;
    };
  }
}

type InstrumentationClass =
  typeof import('@azure/functions-opentelemetry-instrumentation').AzureFunctionsInstrumentation;

/**
 * Loads the instrumentation's module (with the SDK's: the two load side by side). The promise
 * is handled: whoever awaits it meets its failure, and none is unhandled meanwhile.
 */
export function loadFunctionsInstrumentation(): Promise<InstrumentationClass> {
  const loading = import('@azure/functions-opentelemetry-instrumentation').then((loaded) => {
    // A webpack-built CommonJS module: Node's ESM loader cannot detect its named exports, so
    // (unbundled) they are only on `default`; esbuild's interop in the bundles gives both.
    const exports = (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
    return exports.AzureFunctionsInstrumentation;
  });
  loading.catch(() => undefined);
  return loading;
}

/**
 * Applies the instrumentation (its module hook cannot see into the bundle, so its patch is
 * called explicitly) on the one `@azure/functions` the app uses, as that module is once the app
 * has started: setup done, and the hooks it registers given to `hooks` instead. Its logger is
 * the SDK's (`loggerProvider`), given before any line is emitted: it took its own from its copy
 * of the logs API, whose proxy is never told of the SDK's provider. Throws when its patch
 * fails; `warn` is told of log lines dropped.
 */
export function applyFunctionsInstrumentation(
  AzureFunctionsInstrumentation: InstrumentationClass,
  hooks: InstrumentationHooks,
  loggerProvider: LoggerProvider,
  warn: (message: string) => void,
): void {
  const instrumentation = new AzureFunctionsInstrumentation({ enabled: false });
  instrumentation.setLoggerProvider(loggerProvider);
  const { app, Disposable } = functions;
  const started: typeof functions = {
    ...functions,
    app: {
      ...app,
      setup: (options) => {
        if (JSON.stringify(options) !== SETUP_DONE) {
          throw new Error(
            `it asks for app.setup(${JSON.stringify(options)}), which only works before the app has started`,
          );
        }
      },
      hook: {
        ...app.hook,
        log: (handler) => {
          const { dropped, stop } = hooks.forwardLogs(handler);
          if (dropped > 0) {
            warn(
              `telemetry: ${dropped.toString()} worker log lines from before the OpenTelemetry SDK had loaded were not recorded (the first ${InstrumentationHooks.KEPT_LINES.toString()} were)`,
            );
          }
          return new Disposable(stop);
        },
        preInvocation: (handler) => new Disposable(hooks.bindTraceContext(handler)),
      },
    },
  };
  for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.(started);
}

/** What the instrumentation's patch asks of app.setup, and holdWorkerLogs has done. */
const SETUP_DONE = JSON.stringify({ capabilities: { WorkerOpenTelemetryEnabled: true } });
