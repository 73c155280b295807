import { existsSync } from 'node:fs';
import { cliBundlePaths } from '../../scripts/package/paths.js';
import { runNodeScript, type ScriptRun } from '../../stack/runNodeScript.js';

/** The command as package.json `bin` names it: the bundle `npm run build` leaves in dist/bin. */
export const CLI_PATH = cliBundlePaths().bin;

/** Only what the CLI needs from this process's environment: PATH and the test CA. */
export function cliBaseEnv(): Record<string, string | undefined> {
  return { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS };
}

/**
 * Runs the CLI in its own process, as a user would, with the given settings in its environment
 * (and `nodeOptions` before the script, e.g. a preload).
 */
export function runCliProcess(
  args: readonly string[],
  options: {
    env: Record<string, string | undefined>;
    cwd: string;
    nodeOptions?: readonly string[];
  },
): Promise<ScriptRun> {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing: run npm run build (npm test does)`);
  }
  return runNodeScript(CLI_PATH, args, options);
}
