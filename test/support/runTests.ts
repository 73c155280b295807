// `npm test`: makes sure the local CA exists, then runs the compiled tests in a fresh Node process
// that trusts it; then runs the handler, registration and telemetry tests again against the
// deploy package, which it builds first from the current sources. NODE_EXTRA_CA_CERTS is read
// once at process start, so it must be set here, before the test process exists, and never
// inside a test. The tests run on the Node that runs this file (`npm run test:node22`: Node 22,
// the version Azure runs the package on; `test:node24`, `test:node26`: the later LTS lines);
// `--deploy-package-only` runs the second pass alone.
import { readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDeployPackage } from '../../scripts/package/buildDeployPackage.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from '../../stack/tls.js';
import { runWithDeadline, type DeadlineRun } from './processTree.js';

/** dist/test: this file is dist/test/support/runTests.js. */
const TEST_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Every *.test.js below `dir`, sorted: explicit paths, because Node 20 and 22 glob differently. */
function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

/** Test files (relative to dist/test) that run a second time against the deploy package. */
const BUNDLE_PASS = [
  'integration/handlers.test.js',
  'integration/registrations.test.js',
  'integration/telemetry.test.js',
  'integration/telemetryAzureMonitor.test.js',
  'integration/telemetryDeferredSdk.test.js',
  'integration/telemetryInstrumentationFails.test.js',
  'integration/telemetryLogsOff.test.js',
];

/**
 * A hang fails instead of stalling `npm test`. Node 20 and 22 apply --test-timeout to each test
 * file as a whole (the runner then cancels the file and ends its process; newer Node applies it
 * to each test as well), so the value must exceed the slowest file: about 10 s here, 20 s on this
 * 2-core machine under load (the no-leak and credential-mode files). It also exceeds the longest
 * wait the product may legitimately make, the API client's 4 attempts of 15 s plus 30 s of
 * backoff (90 s), which no test sits through. Two minutes is reached only by a hang.
 */
const TEST_TIMEOUT_MS = 120_000;

/**
 * The bound on a whole pass, for the hang --test-timeout cannot end: at a file's timeout Node 20
 * and 22 send its process SIGTERM, which a process that handles SIGTERM with its main thread
 * blocked (a deadlock) never acts on, and Node 24 and 26 do not end the process at all; the
 * runner then waits for it forever. The slowest pass takes about 5 minutes on this 2-core
 * machine.
 */
const PASS_DEADLINE_MS = 15 * 60_000;

let running: DeadlineRun | undefined;

async function runNodeTest(files: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = ['--test', '--test-reporter=spec', `--test-timeout=${TEST_TIMEOUT_MS}`, ...files];
  running = runWithDeadline(process.execPath, args, { env, deadlineMs: PASS_DEADLINE_MS });
  const { code, timedOut, ended } = await running.exited;
  running = undefined;
  if (timedOut) {
    const named = ended.map((line) => `  ${line}`).join('\n');
    process.stderr.write(
      `\nthe tests did not finish within ${String(PASS_DEADLINE_MS / 60_000)} minutes; ended them and what ran under them:\n${named}\n`,
    );
    return code === 0 ? 1 : code;
  }
  return code;
}

async function main(): Promise<number> {
  const ca = await ensureLocalCa(DEFAULT_CA_DIR);
  const args = process.argv.slice(2);
  const deployPackageOnly = args.includes('--deploy-package-only');
  const filters = args.filter((arg) => arg !== '--deploy-package-only');
  const named = findTestFiles(TEST_ROOT).map((file) => ({
    file,
    name: relative(TEST_ROOT, file).split(sep).join('/'),
  }));
  const selected = named.filter(
    ({ name }) => filters.length === 0 || filters.some((f) => name.includes(f)),
  );
  if (selected.length === 0) {
    process.stderr.write(`no test file under ${TEST_ROOT} matches ${filters.join(', ')}\n`);
    return 1;
  }
  const bundlePass = selected.filter(({ name }) => BUNDLE_PASS.includes(name));
  if (deployPackageOnly && bundlePass.length === 0) {
    process.stderr.write('no test file of the deploy package pass is selected\n');
    return 1;
  }

  // Ctrl-C reaches the child from the terminal itself: the runner just waits for its verdict.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => {
    running?.signal('SIGTERM');
  });

  // Built from the current sources before any test needs it (test/bundle reads it too).
  if (
    bundlePass.length > 0 ||
    (!deployPackageOnly && selected.some(({ name }) => name.startsWith('bundle/')))
  ) {
    const started = performance.now();
    const { zipBytes } = await buildDeployPackage();
    process.stdout.write(
      `deploy package built in ${((performance.now() - started) / 1000).toFixed(1)} s (zip ${zipBytes} bytes)\n`,
    );
  }

  const env = { ...process.env, NODE_EXTRA_CA_CERTS: ca.bundlePath, TODO_SYNC_CA_DIR: ca.dir };
  process.stdout.write(`Node ${process.version}\n`);
  const code = deployPackageOnly
    ? 0
    : await runNodeTest(
        selected.map(({ file }) => file),
        env,
      );
  if (bundlePass.length === 0) return code;
  process.stdout.write('\nagain against the deploy package (TODO_SYNC_TEST_TARGET=bundle):\n');
  const bundleCode = await runNodeTest(
    bundlePass.map(({ file }) => file),
    { ...env, TODO_SYNC_TEST_TARGET: 'bundle' },
  );
  return code !== 0 ? code : bundleCode;
}

process.exitCode = await main();
