// What a held module's load is answered with (see holdModule.ts), shared by the in-thread hook
// and the loader-thread one: a module that waits, at its top level, for the test's word, and
// then is the real module. Nothing waits inside a hook: Node 24's loader waits for its hooks
// with the main thread blocked, so a hook that waited for the test would never hear it.

import type { LoadHook } from 'node:module';

/** Where the holds live on the main thread: hold id -> the hold. */
export const HOLDS_KEY = 'todo-sync.test.holds';

export interface Hold {
  /** Called by the held module as it starts to wait, with the URL it stands for. */
  asked(url: string): void;
  /** Settles when the test lets the module load (fulfils) or makes it fail (rejects: the
   * module's import then rejects with an error naming it). */
  readonly released: Promise<unknown>;
}

/**
 * The source of a module that stands for `url`: it tells hold `id` it is held, waits, then
 * re-exports the real module (the same URL with a query the hold's pattern does not match,
 * loaded and evaluated beforehand, as any static import is), its default export included (a
 * CommonJS module's `module.exports`, as `import()` gives it).
 */
export function heldModuleSource(url: string, id: number): string {
  const real = JSON.stringify(`${url}${url.includes('?') ? '&' : '?'}held-through`);
  return [
    `const hold = globalThis[Symbol.for(${JSON.stringify(HOLDS_KEY)})].get(${id.toString()});`,
    `hold.asked(${JSON.stringify(url)});`,
    'try {',
    '  await hold.released;',
    '} catch {',
    `  throw new Error(${JSON.stringify(`${url} failed to load (made to by the test)`)});`,
    '}',
    `export * from ${real};`,
    // `export *` leaves out the default export: passed on by hand (undefined when it has none).
    `import * as real from ${real};`,
    'const realDefault = real.default;',
    'export { realDefault as default };',
  ].join('\n');
}

/**
 * The load hook of hold `id`, for either kind of hooks: a module whose URL matches `pattern` is
 * answered with heldModuleSource at once; every other load goes on as usual.
 */
export function holdingLoad(pattern: RegExp, id: number): LoadHook {
  return (url, context, nextLoad) =>
    pattern.test(url)
      ? { format: 'module', source: heldModuleSource(url, id), shortCircuit: true }
      : nextLoad(url, context);
}
