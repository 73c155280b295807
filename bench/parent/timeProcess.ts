// Runs a Node program as a user's shell would, a new process, and measures the whole of it: the
// wall time from spawning it to its exit, and its peak resident set size and CPU time, which the
// preloaded probe/reportProcessUsage.cjs reports on a pipe as it exits (the same for every program).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const USAGE_PRELOAD = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'probe',
  'reportProcessUsage.cjs',
);

export interface ProcessRun {
  /** From spawn to exit. */
  readonly wallMs: number;
  readonly peakRssBytes: number;
  /** User and system CPU time of the process (all its threads). */
  readonly cpuMs: number;
  readonly stdout: string;
}

/** Resolves when the program exits with 0; rejects with its stderr otherwise. */
export function timeProcess(
  script: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs?: number },
): Promise<ProcessRun> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--require', USAGE_PRELOAD, script, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let wallMs = Number.NaN;
  child.once('exit', () => {
    wallMs = performance.now() - started;
  });
  const read = (stream: Readable | null | undefined): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      stream?.setEncoding('utf8').on('data', (d: string) => (text += d));
      stream?.once('close', () => {
        resolve(text);
      });
    });
  const outputs = Promise.all([
    read(child.stdout),
    read(child.stderr),
    read(child.stdio[3] as Readable),
  ]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      void outputs.then(([stdout, stderr, report]) => {
        const [peakRssBytes, cpuMicros] = report.split(' ').map(Number);
        if (code === 0 && peakRssBytes && cpuMicros) {
          resolve({ wallMs, peakRssBytes, cpuMs: cpuMicros / 1000, stdout });
        } else {
          const how = signal ? `was killed (${signal})` : `exited with ${code ?? '?'}`;
          reject(new Error(`${script} ${args.join(' ')} ${how}:\n${stderr.slice(-4000)}`));
        }
      });
    });
  });
}
