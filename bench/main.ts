// `npm run bench`: builds the deploy package, starts the local stack, measures every figure of
// bench/README.md against its floor in this one run, prints the table and writes it to
// bench/results.md. Stops everything it started, also when a measurement fails.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { buildDeployPackage } from '../scripts/package/buildDeployPackage.js';
import { REPO_ROOT } from '../scripts/package/paths.js';
import { startLocalStack, type LocalStack } from '../stack/localStack.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from '../stack/tls.js';
import { benchContext } from './parent/benchContext.js';
import { startCountingProxy, type CountingProxy } from './parent/countingProxy.js';
import { describeMachine } from './report/machine.js';
import { renderTable } from './report/renderTable.js';
import type { Row } from './report/row.js';
import { coldStart } from './scenarios/coldStart.js';
import { concurrentPosts } from './scenarios/concurrentPosts.js';
import { deploySize } from './scenarios/deploySize.js';
import { firstSync } from './scenarios/firstSync.js';
import { peakMemory } from './scenarios/peakMemory.js';
import { requestCounts } from './scenarios/requestCounts.js';
import { scaling } from './scenarios/scaling.js';
import { warmSync } from './scenarios/warmSync.js';

/** Sizes and repetitions: enough for stable medians, a few minutes on a 2-core machine. */
const PLAN = {
  coldStartRuns: 11,
  firstSyncRuns: 7,
  firstSyncTodos: 1_000,
  warmTodos: 10_000,
  warmPairs: 21,
  countedSyncs: 100,
  countedTodos: 1_000,
  concurrentCalls: 50,
  scalingSizes: [1_000, 10_000, 100_000],
  scalingPairs: 5,
  memoryTodos: 100_000,
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

  progress('starting the local stack');
  let stack: LocalStack | undefined;
  let proxy: CountingProxy | undefined;
  const stop = async () => {
    await proxy?.stop();
    await stack?.stop();
  };
  process.once('SIGINT', () => {
    void stop().finally(() => process.exit(130));
  });
  try {
    stack = await startLocalStack({ ca });
    proxy = await startCountingProxy(stack.azurite);
    const bench = benchContext(stack, proxy, ca.bundlePath);
    if (wanted('first')) {
      progress('first sync in a new process');
      rows.push(await firstSync(bench, PLAN.firstSyncRuns, PLAN.firstSyncTodos));
    }
    if (wanted('warm')) {
      progress('warm syncs');
      rows.push(...(await warmSync(bench, PLAN.warmTodos, PLAN.warmPairs)));
    }
    if (wanted('counts')) {
      progress('request counts');
      rows.push(...(await requestCounts(bench, PLAN.countedSyncs, PLAN.countedTodos)));
    }
    if (wanted('concurrent')) {
      progress('concurrent calls');
      rows.push(await concurrentPosts(bench, PLAN.concurrentCalls));
    }
    if (wanted('memory')) {
      progress('peak memory');
      rows.push(await peakMemory(bench, PLAN.memoryTodos));
    }
    if (wanted('scaling')) {
      progress('scaling');
      rows.push(...(await scaling(bench, PLAN.scalingSizes, PLAN.scalingPairs)));
    }
  } finally {
    await stop();
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
