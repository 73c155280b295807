// Stands in for the Functions host in a probe process. The host's worker serves the module
// `@azure/functions-core` to require(); @azure/functions registers each function through it.
// Serving it here the same way (test/integration/registrations.test.ts does too) lets a probe
// see when both functions are registered and call their handlers as the host would.
import { provideFunctionsCore } from '../../stack/functionsCoreModule.js';

export type Handler = (trigger: unknown, context: unknown) => Promise<unknown>;

export interface Registrations {
  /** Handler by function name. */
  readonly handlers: Map<string, Handler>;
  /** performance.now() (ms since the process started) when each function was registered. */
  readonly registeredAt: Map<string, number>;
}

export function installFakeFunctionsCore(): Registrations {
  const registrations: Registrations = { handlers: new Map(), registeredAt: new Map() };
  const core = {
    setProgrammingModel: () => undefined,
    registerHook: () => ({ dispose: () => undefined }),
    registerFunction: (metadata: { name: string }, handler: Handler) => {
      registrations.registeredAt.set(metadata.name, performance.now());
      registrations.handlers.set(metadata.name, handler);
      return { dispose: () => undefined };
    },
  };
  provideFunctionsCore(core);
  return registrations;
}
