// Stands in for the Functions host's worker in a process of the demo or the tests: serves
// `@azure/functions-core` (as the worker does to require()), records the functions and hooks
// the app registers, and invokes a function as the worker does: preInvocation hooks (which may
// wrap the handler), the handler with an InvocationContext carrying the host's trace context
// (a new `traceparent` per invocation, as the host starts a span for each), postInvocation hooks.
// Each log line of an invocation goes through the registered log hooks, as the worker (3.10+)
// runs them; `{ logHooks: false }` plays a host before 4.34, whose worker refuses a log hook.
import { randomBytes, randomUUID } from 'node:crypto';
import { provideFunctionsCore } from './functionsCoreModule.js';

type Callback = (...args: unknown[]) => unknown;
type HookCallback = (context: Record<string, unknown>) => unknown;

export interface EmulatedHost {
  /** Functions registered, by name. */
  readonly functions: ReadonlyMap<string, Callback>;
  /** Hook names registered, in order (`preInvocation`, `postInvocation`, `log`, ...). */
  readonly hookNames: readonly string[];
  /**
   * The capabilities the app tells the worker (and so the host) once loaded, e.g.
   * `WorkerOpenTelemetryEnabled`: the host stops sending the worker's logs itself when "true".
   */
  capabilities(): Promise<Record<string, string>>;
  /**
   * A line of the worker's own (category `system`, outside any invocation, as the worker logs
   * while it starts), through the registered log hooks.
   */
  workerLog(level: string, message: string): void;
  /**
   * Invokes a function with `trigger` and a new InvocationContext whose log lines go to `log`.
   * Resolves with the handler's result and the `traceparent` the "host" sent.
   */
  invoke(
    name: string,
    trigger: unknown,
    log: string[],
  ): Promise<{ result?: unknown; error?: unknown; traceparent: string }>;
}

export interface EmulatedHostOptions {
  /** false: a host before 4.34 (worker before 3.10), which has no log hooks. Default true. */
  readonly logHooks?: boolean;
}

/** Installs the stand-in; import the app (its entry, then the functions) after this. */
export function emulateFunctionsHost(options: EmulatedHostOptions = {}): EmulatedHost {
  const logHooks = options.logHooks ?? true;
  const functions = new Map<string, Callback>();
  const hooks: { name: string; callback: HookCallback }[] = [];
  let model:
    { getCapabilities(c: Record<string, string>): Promise<Record<string, string>> } | undefined;
  const core = {
    version: logHooks ? '3.10.1' : '3.9.0',
    // The worker's own log (system lines such as "Capability ... set to"), kept out of the output.
    log: () => undefined,
    setProgrammingModel: (programmingModel: typeof model) => {
      model = programmingModel;
    },
    registerHook: (name: string, callback: HookCallback) => {
      if (name === 'log' && !logHooks) {
        // What the older worker throws for a hook it does not know; @azure/functions turns it
        // into "Log hooks require Azure Functions Host v4.34 or higher."
        throw Object.assign(new RangeError(`Unrecognized hook "${name}"`), {
          isAzureFunctionsSystemError: true,
        });
      }
      hooks.push({ name, callback });
      return { dispose: () => undefined };
    },
    registerFunction: (metadata: { name: string }, handler: Callback) => {
      functions.set(metadata.name, handler);
      return { dispose: () => undefined };
    },
  };
  provideFunctionsCore(core);
  // As the worker runs them: in order, over its live list, so that a hook registered while
  // they run (by an earlier hook) runs too.
  const run = async (name: string, context: Record<string, unknown>): Promise<void> => {
    for (let i = 0; i < hooks.length; i++) {
      const hook = hooks[i];
      if (hook?.name === name) await hook.callback(context);
    }
  };

  return {
    functions,
    get hookNames() {
      return hooks.map((h) => h.name);
    },
    capabilities: async () => (model ? await model.getCapabilities({}) : {}),
    workerLog(level, message) {
      for (const hook of hooks.filter((h) => h.name === 'log')) {
        void hook.callback({ level, message, category: 'system', hookData: {} });
      }
    },
    async invoke(name, trigger, log) {
      const handler = functions.get(name);
      if (!handler) throw new Error(`no function ${name} was registered`);
      const { default: azf } = await import('@azure/functions');
      const traceparent = `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
      const invocationContext = new azf.InvocationContext({
        invocationId: randomUUID(),
        functionName: name,
        traceContext: { traceParent: traceparent, traceState: '', attributes: {} },
        logHandler: (level, ...args) => {
          const message = args.map(String).join(' ');
          log.push(`[${level}] ${message}`);
          // Log hooks run synchronously, in the caller's (the handler's) async context.
          for (const hook of hooks.filter((h) => h.name === 'log')) {
            void hook.callback({
              level,
              message,
              category: 'user',
              invocationContext,
              hookData: {},
            });
          }
        },
      });
      const hookData = {};
      const pre: Record<string, unknown> = {
        invocationContext,
        inputs: [trigger],
        functionCallback: handler,
        hookData,
      };
      await run('preInvocation', pre);
      const bound = pre.functionCallback as Callback;
      let result: unknown;
      let error: unknown;
      try {
        result = await bound(trigger, invocationContext);
      } catch (err) {
        error = err;
      }
      await run('postInvocation', {
        invocationContext,
        inputs: [trigger],
        result,
        error,
        hookData,
      });
      return { result, error, traceparent };
    },
  };
}
