import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNodeScript, type ScriptRun } from '../../stack/runNodeScript.js';

/** The compiled CLI, as `npm run build` leaves it and package.json `bin` names it. */
export const CLI_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'src',
  'cli',
  'main.js',
);

/** Runs the CLI in its own process, as a user would, with the given settings in its environment. */
export function runCliProcess(
  args: readonly string[],
  options: { env: Record<string, string | undefined>; cwd: string },
): Promise<ScriptRun> {
  return runNodeScript(CLI_PATH, args, options);
}
