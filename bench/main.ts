// `npm run bench`: builds the deploy package, starts the local stack, measures every figure of
// bench/README.md against its floor in this one run, prints the table and writes it to
// bench/results.md. Stops everything it started, also when a measurement fails.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildDeployPackage } from '../scripts/package/buildDeployPackage.js';
import { cliSteps, readCliMetafile } from '../scripts/package/bundleCli.js';
import { REPO_ROOT } from '../scripts/package/paths.js';
import { startLocalStack, type LocalStack } from '../stack/localStack.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from '../stack/tls.js';
import { benchContext, type BenchContext } from './parent/benchContext.js';
import { startCountingProxy, type CountingProxy } from '../stack/countingProxy.js';
import { describeMachine } from './report/machine.js';
import { renderTable } from './report/renderTable.js';
import type { Row } from './report/row.js';
import { cliCommands } from './scenarios/cliCommands.js';
import { coldStart } from './scenarios/coldStart.js';
import { concurrentPosts } from './scenarios/concurrentPosts.js';
import { deploySize } from './scenarios/deploySize.js';
import { firstSync } from './scenarios/firstSync.js';
import { peakMemory } from './scenarios/peakMemory.js';
import { requestCounts } from './scenarios/requestCounts.js';
import { scaling } from './scenarios/scaling.js';
import { telemetryCost } from './scenarios/telemetryCost.js';
import { warmSync } from './scenarios/warmSync.js';

/** Sizes and repetitions: enough for stable medians, a few minutes on a 2-core machine. */
const PLAN = {
  coldStartRuns: 11,
  firstSyncRuns: 7,
  firstSyncTodos: 1_000,
  warmTodos: 10_000,
  warmPairs: 31,
  countedSyncs: 100,
  countedTodos: 1_000,
  concurrentCalls: 50,
  scalingSizes: [1_000, 10_000, 100_000],
  scalingPairs: 5,
  memoryTodos: 100_000,
  cliPairs: 11,
  cliSyncPairs: 9,
  telemetry: { warmPairs: 12, warmSyncs: 30, warmTodos: 1_000, coldPairs: 25 },
};

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** `npm run bench -- warm memory` runs only those scenarios (and keeps results.md as it is). */
const only = process.argv.slice(2);
const wanted = (name: string): boolean => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  const started = performance.now();
  progress('building the deploy package');
  const deployPackage = await buildDeployPackage();
  const ca = await ensureLocalCa(DEFAULT_CA_DIR);
  const workDir = join(REPO_ROOT, '.local', 'bench');
  await mkdir(workDir, { recursive: true });
  const rows: Row[] = [];

  if (wanted('size')) {
    progress('deploy size');
    rows.push(await deploySize(REPO_ROOT, workDir, deployPackage.zipBytes));
  }
  if (wanted('cold')) {
    progress('cold start');
    rows.push(await coldStart({ ...process.env }, PLAN.coldStartRuns));
  }

  // Each scenario gets a local stack of its own: what one leaves behind (blobs, garbage in
  // the stack's process, Azurite's housekeeping) must not weigh on the next one's figures.
  const scenarios: [name: string, label: string, run: (bench: BenchContext) => Promise<Row[]>][] = [
    [
      'first',
      'first sync in a new process',
      async (b) => [await firstSync(b, PLAN.firstSyncRuns, PLAN.firstSyncTodos)],
    ],
    ['warm', 'warm syncs', (b) => warmSync(b, PLAN.warmTodos, PLAN.warmPairs)],
    ['counts', 'request counts', (b) => requestCounts(b, PLAN.countedSyncs, PLAN.countedTodos)],
    [
      'concurrent',
      'concurrent calls',
      async (b) => [await concurrentPosts(b, PLAN.concurrentCalls)],
    ],
    ['memory', 'peak memory', async (b) => [await peakMemory(b, PLAN.memoryTodos)]],
    ['scaling', 'scaling', (b) => scaling(b, PLAN.scalingSizes, PLAN.scalingPairs)],
    ['telemetry', 'telemetry export', (b) => telemetryCost(b, PLAN.telemetry)],
    [
      'cli',
      'CLI commands',
      (b) => cliCommands(b, { pairs: PLAN.cliPairs, syncPairs: PLAN.cliSyncPairs }, workDir),
    ],
  ];
  let stack: LocalStack | undefined;
  let proxy: CountingProxy | undefined;
  const stop = async () => {
    await proxy?.stop();
    await stack?.stop();
    proxy = undefined;
    stack = undefined;
  };
  process.once('SIGINT', () => {
    void stop().finally(() => process.exit(130));
  });
  for (const [name, label, run] of scenarios) {
    if (!wanted(name)) continue;
    progress(`${label} (on a new local stack)`);
    try {
      stack = await startLocalStack({ ca });
      proxy = await startCountingProxy(stack.azurite);
      rows.push(...(await run(benchContext(stack, proxy, ca.bundlePath))));
    } finally {
      await stop();
    }
  }

  const { shape } = deployPackage;
  const report = [
    '# Bench results',
    '',
    'Written by `npm run bench` (see [README.md](README.md) for what each figure means).',
    '',
    ...describeMachine(),
    '',
    renderTable(rows),
    '',
    `Evaluated at start (bundle): ${shape.startPackages.join(', ')}.`,
    '',
    `Loaded on first use only: ${shape.lazyPackages.join(', ')}.`,
    '',
    `CLI bundle (dist/bin), evaluated by ${cliSteps(await readCliMetafile())
      .map((s) => `${s.step}: ${s.files.length} files, ${(s.bytes / 1024).toFixed(0)} KB`)
      .join('; ')}.`,
    '',
  ].join('\n');
  if (only.length === 0) {
    // Formatted as `npm run lint` (prettier --check .) expects the committed file to be.
    const resultsFile = join(REPO_ROOT, 'bench', 'results.md');
    const options = await resolveConfig(resultsFile);
    await writeFile(resultsFile, await format(report, { ...options, filepath: resultsFile }));
  }
  const missed = rows.filter((r) => r.met === false).map((r) => r.metric);
  process.stdout.write(`${renderTable(rows)}\n\n`);
  process.stdout.write(
    `${missed.length === 0 ? 'Every target met.' : `Targets missed: ${missed.join('; ')}.`} ` +
      `${only.length === 0 ? 'Written to bench/results.md' : 'Done'} in ${((performance.now() - started) / 1000).toFixed(0)} s.\n`,
  );
}

await main();
