import { register } from 'node:module';
import { holdingLoad, HOLDS_KEY, type Hold } from './heldModuleSource.js';
import { registerHooks, type InThreadLoadHook } from './registerHooks.js';

/** A module load held until `release` or `fail`. */
export interface HeldModule {
  /** Resolves with the module's URL once its load has been asked for (and is being held). */
  readonly asked: Promise<string>;
  release(): void;
  fail(): void;
}

const holds = ((globalThis as Record<symbol, unknown>)[Symbol.for(HOLDS_KEY)] ??= new Map<
  number,
  Hold
>()) as Map<number, Hold>;

/**
 * Holds the module, imported from now on, whose URL matches `pattern`: its `import()`
 * stays pending (the process runs on) until `release` (it then resolves with the module) or
 * `fail` (it rejects, as a broken package's would). The module is answered with one that waits
 * at its top level (heldModuleSource.ts), through module.registerHooks where Node has it and
 * module.register (hooks on the loader thread) before 22.15.
 */
export function holdModule(pattern: RegExp): HeldModule {
  const id = holds.size + 1;
  let asked!: (url: string) => void;
  let settle!: { release: () => void; fail: () => void };
  const askedPromise = new Promise<string>((resolve) => {
    asked = resolve;
  });
  const released = new Promise<void>((resolve, reject) => {
    settle = {
      release: resolve,
      fail: () => {
        reject(new Error('failed by the test'));
      },
    };
  });
  // Made to fail before anything waits for it: not an unhandled rejection.
  released.catch(() => undefined);
  holds.set(id, { asked, released });
  if (registerHooks) {
    // In-thread, nextLoad answers at once, and so does the hook.
    registerHooks({ load: holdingLoad(pattern, id) as InThreadLoadHook });
  } else {
    // A module instance of the hooks per hold (their state is the module's).
    register(`./holdModuleHooks.js?hold=${id.toString()}`, import.meta.url, {
      data: { pattern: pattern.source, id },
    });
  }
  return {
    asked: askedPromise,
    release: settle.release,
    fail: settle.fail,
  };
}
