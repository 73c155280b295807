// Runs a Node script in a child process and collects its output: how the demo and the tests
// run the product, so that it starts with its own environment (NODE_EXTRA_CA_CERTS included).
import { spawn } from 'node:child_process';

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runNodeScript(
  script: string,
  args: readonly string[],
  options: {
    env: Record<string, string | undefined>;
    cwd: string;
    /** Node's own options, before the script (e.g. `--enable-source-maps`). */
    nodeOptions?: readonly string[];
  },
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), script, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
