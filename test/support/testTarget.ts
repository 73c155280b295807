// The handler and registration tests run twice: against the tsc output that `func start` in a
// clone loads, and against the deploy package that `npm run package` builds (runTests sets
// TODO_SYNC_TEST_TARGET=bundle for that pass). Both must behave the same.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mainEntryFiles } from '../../scripts/package/mainEntries.js';
import { DEPLOY_MAIN, packagePaths, REPO_ROOT } from '../../scripts/package/paths.js';
import type { syncTodos } from '../../src/functions/syncTodos.js';
import type { syncTodosTimer } from '../../src/functions/syncTodosTimer.js';

export type TestTarget = 'source' | 'bundle';

export const TEST_TARGET: TestTarget =
  process.env.TODO_SYNC_TEST_TARGET === 'bundle' ? 'bundle' : 'source';

export interface Handlers {
  syncTodos: typeof syncTodos;
  syncTodosTimer: typeof syncTodosTimer;
}

/** The folder whose package.json `main` the host loads: the clone, or the deploy package. */
export function targetRoot(): string {
  return TEST_TARGET === 'bundle' ? packagePaths().appDir : REPO_ROOT;
}

/** The handlers as the target exports them. Importing them registers the functions too. */
export async function importHandlers(): Promise<Handlers> {
  if (TEST_TARGET === 'bundle') {
    // The bundle's entry re-exports the handlers (scripts/package/appEntry.ts).
    const entry = join(targetRoot(), DEPLOY_MAIN);
    const bundle = (await import(pathToFileURL(entry).href)) as Partial<Handlers>;
    if (!bundle.syncTodos || !bundle.syncTodosTimer) {
      throw new Error(`${entry} does not export the handlers: run npm run package`);
    }
    return { syncTodos: bundle.syncTodos, syncTodosTimer: bundle.syncTodosTimer };
  }
  const [http, timer] = await Promise.all([
    import('../../src/functions/syncTodos.js'),
    import('../../src/functions/syncTodosTimer.js'),
  ]);
  return { syncTodos: http.syncTodos, syncTodosTimer: timer.syncTodosTimer };
}

/**
 * Loads what package.json `main` names, in its order, as the host does (the entry module first,
 * then the functions), and returns the files loaded.
 */
export async function loadMainEntries(root: string = targetRoot()): Promise<string[]> {
  const files = mainEntryFiles(root);
  for (const file of files) await import(pathToFileURL(file).href);
  return files;
}
