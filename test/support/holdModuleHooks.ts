// Module hooks for Node before 22.15 (no module.registerHooks), run on the loader thread: the
// load of a module whose URL matches `pattern` is answered with a module that waits for the
// test (see heldModuleSource.ts); every other load goes on as usual.
import type { InitializeHook, LoadHook } from 'node:module';
import { heldModuleSource } from './heldModuleSource.js';

let pattern: RegExp | undefined;
let id = 0;

export const initialize: InitializeHook<{ pattern: string; id: number }> = (data) => {
  pattern = new RegExp(data.pattern);
  id = data.id;
};

export const load: LoadHook = (url, context, nextLoad) =>
  pattern?.test(url)
    ? { format: 'module', source: heldModuleSource(url, id), shortCircuit: true }
    : nextLoad(url, context);
