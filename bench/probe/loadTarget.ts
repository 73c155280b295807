import { pathToFileURL } from 'node:url';
import { mainEntryFiles } from '../../scripts/package/mainEntries.js';
import { packagePaths, REPO_ROOT } from '../../scripts/package/paths.js';
import type { Target } from '../protocol.js';
import { installFakeFunctionsCore, type Handler } from './fakeFunctionsCore.js';

export const FUNCTION_NAMES = ['health', 'syncTodos', 'syncTodosTimer'] as const;

export interface LoadedTarget {
  readonly handlers: ReadonlyMap<string, Handler>;
  /** ms from process start until the last of FUNCTION_NAMES was registered. */
  readonly registeredAtMs: number;
}

/**
 * Loads a target the way the Functions worker does (each `main` file imported in turn) with
 * the fake host module in place, and returns the registered handlers.
 */
export async function loadTarget(target: Target): Promise<LoadedTarget> {
  const registrations = installFakeFunctionsCore();
  const root = target === 'bundle' ? packagePaths().appDir : REPO_ROOT;
  for (const file of mainEntryFiles(root)) await import(pathToFileURL(file).href);
  const times = FUNCTION_NAMES.map((name) => registrations.registeredAt.get(name));
  if (times.some((t) => t === undefined)) {
    throw new Error(`${target}: expected ${FUNCTION_NAMES.join(' and ')} to be registered`);
  }
  return {
    handlers: registrations.handlers,
    registeredAtMs: Math.max(...times.map((t) => t ?? 0)),
  };
}
