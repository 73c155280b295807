// Module hooks for Node before 22.15 (no module.registerHooks), run on the loader thread: the
// load of a module whose URL matches `pattern` is answered with a module that waits for the
// test (see heldModuleSource.ts); every other load goes on as usual.
import type { InitializeHook, LoadHook } from 'node:module';
import { holdingLoad } from './heldModuleSource.js';

let hold: LoadHook | undefined;

export const initialize: InitializeHook<{ pattern: string; id: number }> = (data) => {
  hold = holdingLoad(new RegExp(data.pattern), data.id);
};

export const load: LoadHook = (url, context, nextLoad) =>
  hold ? hold(url, context, nextLoad) : nextLoad(url, context);
