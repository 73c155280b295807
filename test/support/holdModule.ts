import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

/** A module load held by holdModuleHooks.ts until `release` or `fail`. */
export interface HeldModule {
  /** Resolves with the module's URL once its load has been asked for (and is being held). */
  readonly asked: Promise<string>;
  release(): void;
  fail(): void;
}

let holds = 0;

/** Holds the load of the first module, imported from now on, whose URL matches `pattern`. */
export function holdModule(pattern: RegExp): HeldModule {
  const { port1, port2 } = new MessageChannel();
  // A module instance of the hooks per hold (their state is the module's).
  register(`./holdModuleHooks.js?hold=${(++holds).toString()}`, import.meta.url, {
    data: { port: port2, pattern: pattern.source },
    transferList: [port2],
  });
  // Never what keeps the test's process alive.
  port1.unref();
  const asked = new Promise<string>((resolve) => {
    port1.once('message', (message: { held: string }) => {
      resolve(message.held);
    });
  });
  const answer = (what: 'load' | 'fail'): void => {
    port1.postMessage(what);
    port1.close();
  };
  return {
    asked,
    release: () => {
      answer('load');
    },
    fail: () => {
      answer('fail');
    },
  };
}
