import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
 * The files a package.json `main` names, as the host expands it: a file, `dir/*.js`, or
 * `dir/{a.js,sub/*.js}` (each alternative in turn, in the order given).
 */
function expandMain(root: string, main: string): string[] {
  const braces = /^(.*?)\{([^}]*)\}$/.exec(main);
  const patterns = braces
    ? (braces[2] ?? '').split(',').map((alt) => `${braces[1] ?? ''}${alt}`)
    : [main];
  return patterns.flatMap((pattern) => {
    const glob = /^(.*)\/\*\.js$/.exec(pattern);
    if (!glob?.[1]) return [join(root, pattern)];
    const dir = join(root, glob[1]);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => join(dir, f));
  });
}

function entryFiles(root: string): string[] {
  const { main } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  return expandMain(root, main);
}

/**
 * Loads a target the way the Functions worker does (each `main` file imported in turn) with
 * the fake host module in place, and returns the registered handlers.
 */
export async function loadTarget(target: Target): Promise<LoadedTarget> {
  const registrations = installFakeFunctionsCore();
  const root = target === 'bundle' ? packagePaths().appDir : REPO_ROOT;
  for (const file of entryFiles(root)) await import(pathToFileURL(file).href);
  const times = FUNCTION_NAMES.map((name) => registrations.registeredAt.get(name));
  if (times.some((t) => t === undefined)) {
    throw new Error(`${target}: expected ${FUNCTION_NAMES.join(' and ')} to be registered`);
  }
  return {
    handlers: registrations.handlers,
    registeredAtMs: Math.max(...times.map((t) => t ?? 0)),
  };
}
