// Runs one probe (bench/probe/*.js) in a new Node process and serves its requests.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeMessage, ProbeReply, ProbeRequest } from '../protocol.js';

const PROBE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'probe');

export interface ProbeOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly nodeOptions?: readonly string[];
  readonly serve?: (request: ProbeRequest) => unknown;
  /** The probe is killed after this long; a bench must stop by itself. */
  readonly timeoutMs?: number;
}

/** Resolves with the probe's result; rejects with its stderr when it fails. */
export function runProbe(
  probe: string,
  args: readonly (string | number)[],
  options: ProbeOptions,
): Promise<unknown> {
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), join(PROBE_DIR, `${probe}.js`), ...args.map(String)],
    { env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  let result: { value: unknown } | undefined;

  child.on('message', (message: ProbeMessage) => {
    if (message.kind === 'result') {
      result = { value: message.value };
      return;
    }
    let reply: ProbeReply;
    try {
      reply = { id: message.id, value: options.serve?.(message.request) };
    } catch (err) {
      reply = { id: message.id, error: err instanceof Error ? err.message : String(err) };
    }
    child.send(reply);
  });

  const timeoutMs = options.timeoutMs ?? 180_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && result) resolve(result.value);
      else {
        const how = signal ? `was killed (${signal})` : `exited with ${code ?? '?'}`;
        reject(new Error(`probe ${probe} ${args.join(' ')} ${how}:\n${output.slice(-4000)}`));
      }
    });
  });
}
