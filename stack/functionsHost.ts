// Stands in for the Functions host's worker in a process of the demo or the tests: serves
// `@azure/functions-core` (as the worker does to require()), records the functions and hooks
// the app registers, and invokes a function as the worker does: preInvocation hooks (which may
// wrap the handler), the handler with an InvocationContext carrying the host's trace context
// (a new `traceparent` per invocation, as the host starts a span for each), postInvocation hooks.
import { randomBytes, randomUUID } from 'node:crypto';
import Module from 'node:module';

type Callback = (...args: unknown[]) => unknown;
type HookCallback = (context: Record<string, unknown>) => unknown;

export interface EmulatedHost {
  /** Functions registered, by name. */
  readonly functions: ReadonlyMap<string, Callback>;
  /** Hook names registered, in order (`preInvocation`, `postInvocation`, `log`, ...). */
  readonly hookNames: readonly string[];
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

/** Installs the stand-in; import the app (its entry, then the functions) after this. */
export function emulateFunctionsHost(): EmulatedHost {
  const functions = new Map<string, Callback>();
  const hooks: { name: string; callback: HookCallback }[] = [];
  const core = {
    version: '3.10.1',
    setProgrammingModel: () => undefined,
    registerHook: (name: string, callback: HookCallback) => {
      hooks.push({ name, callback });
      return { dispose: () => undefined };
    },
    registerFunction: (metadata: { name: string }, handler: Callback) => {
      functions.set(metadata.name, handler);
      return { dispose: () => undefined };
    },
  };
  const loader = Module as unknown as {
    _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  };
  const load = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean): unknown {
    return request === '@azure/functions-core' ? core : load.call(this, request, parent, isMain);
  };
  const run = async (name: string, context: Record<string, unknown>): Promise<void> => {
    for (const hook of hooks.filter((h) => h.name === name)) await hook.callback(context);
  };

  return {
    functions,
    get hookNames() {
      return hooks.map((h) => h.name);
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
        logHandler: (level, ...args) => log.push(`[${level}] ${args.map(String).join(' ')}`),
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
