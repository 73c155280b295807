// Run by the fault matrix as `node --expose-gc gcDeadlineChild.js`, with the product's settings
// as JSON in TODO_SYNC_TEST_SETTINGS (pointing at a stalled API). It forces garbage collection
// every 50 ms while one sync waits on the stall, and prints one JSON line: how the sync ended and
// after how long, whether the product's boundedSignal fired after a gc(), and whether the control
// (Node 20's AbortSignal.any with an unreferenced AbortSignal.timeout, see azure-pitfalls.md) did.
import { loadConfig } from '../../src/config/loadConfig.js';
import { boundedSignal } from '../../src/core/boundedSignal.js';
import { createRuntime } from '../../src/runtime/createRuntime.js';
import { createLogger } from '../../src/logging/logger.js';

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) {
  process.stderr.write('run me with --expose-gc\n');
  process.exit(2);
}
let gcRuns = 0;
const forceGc = (): void => {
  collect();
  gcRuns += 1;
};

/** Resolves true when `signal` aborts within `ms`, false otherwise; collects garbage meanwhile. */
function firesWithin(register: () => AbortSignal, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Nothing but the listener holds the signal: whatever gc() may take, it takes.
    register().addEventListener('abort', () => {
      clearTimeout(fallback);
      resolve(true);
    });
    const fallback = setTimeout(() => {
      resolve(false);
    }, ms);
    forceGc();
    setTimeout(forceGc, 10).unref();
  });
}

const parent = new AbortController();
const boundedFired = await firesWithin(
  () => boundedSignal(parent.signal, 200, () => new Error('bound')).signal,
  1_500,
);
const controlFired = await firesWithin(
  () => AbortSignal.any([parent.signal, AbortSignal.timeout(200)]),
  1_500,
);

const settings = JSON.parse(process.env.TODO_SYNC_TEST_SETTINGS ?? '{}') as Record<string, string>;
const runtime = createRuntime(loadConfig(settings), { logger: createLogger(() => undefined) });
const gcTimer = setInterval(forceGc, 50);
const started = performance.now();
let result: { name: string; message: string };
try {
  await runtime.sync('cli');
  result = { name: 'none', message: 'the sync succeeded' };
} catch (error) {
  result =
    error instanceof Error
      ? { name: error.name, message: error.message }
      : { name: 'unknown', message: String(error) };
}
const elapsedMs = performance.now() - started;
clearInterval(gcTimer);
process.stdout.write(
  JSON.stringify({ ...result, elapsedMs, gcRuns, boundedFired, controlFired }) + '\n',
);
