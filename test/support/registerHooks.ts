import nodeModule, { type LoadHook } from 'node:module';

/** A synchronous load hook, run in the thread that loads (Node's LoadHook, without the promise). */
export type InThreadLoadHook = (...args: Parameters<LoadHook>) => Awaited<ReturnType<LoadHook>>;

/**
 * `module.registerHooks` (in-thread, synchronous module hooks: Node 22.15 and later, not in
 * Node 20's types), or undefined where Node has none: the caller then falls back on
 * `module.register` (hooks on the loader thread), which Node 26 deprecates.
 */
export const registerHooks = (
  nodeModule as unknown as {
    registerHooks?: (hooks: { load: InThreadLoadHook }) => unknown;
  }
).registerHooks;
