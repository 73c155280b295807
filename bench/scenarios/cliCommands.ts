// The todo-sync command as people run it from scripts and cron: a new process per command,
// timed whole (spawn to exit) with its peak RSS, in alternating pairs. getToDos against the
// tutorial's daemon (probe/tutorialDaemon.cjs), --help against an empty program, a first sync
// against the unbundled CLI (the tsc output, dist/src/cli/main.js).
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliSteps, readCliMetafile, type CliStep } from '../../scripts/package/bundleCli.js';
import { cliBundlePaths, REPO_ROOT } from '../../scripts/package/paths.js';
import type { BenchContext } from '../parent/benchContext.js';
import { alternate } from '../parent/bothTargets.js';
import { timeProcess, type ProcessRun } from '../parent/timeProcess.js';
import type { Row } from '../report/row.js';
import { median, megabytes, ms, pairedRatio, ratio } from '../stats.js';

const PROBE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'probe');
const TUTORIAL_DAEMON = join(PROBE_DIR, 'tutorialDaemon.cjs');
const NOTHING = join(PROBE_DIR, 'nothing.js');
const UNBUNDLED_CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliPlan {
  /** Pairs for getToDos and --help. */
  readonly pairs: number;
  /** Pairs for the first sync. */
  readonly syncPairs: number;
}

interface Program {
  readonly script: string;
  readonly args: readonly string[];
}

function describeStep(step: CliStep | undefined): string {
  if (!step) return '?';
  const packages = step.packages.length === 0 ? 'no package' : `${step.packages.length} packages`;
  return `${step.files.length} files, ${(step.bytes / 1024).toFixed(0)} KB, ${packages}`;
}

function paired(
  runs: Record<string, ProcessRun[]>,
  measured: string,
  floor: string,
  figure: (run: ProcessRun) => number,
): { measured: number; floor: number; ratio: number } {
  const m = (runs[measured] ?? []).map(figure);
  const f = (runs[floor] ?? []).map(figure);
  return { measured: median(m), floor: median(f), ratio: pairedRatio(m, f) };
}

export async function cliCommands(
  bench: BenchContext,
  plan: CliPlan,
  workDir: string,
): Promise<Row[]> {
  // A directory of its own: no local.settings.json plays a part; the settings are the stack's.
  const cwd = join(workDir, 'cli');
  await mkdir(cwd, { recursive: true });
  const env = { ...bench.env, SYNC_CONTAINER: 'bench-cli' };
  const bin = cliBundlePaths().bin;
  const run = (program: Program): Promise<ProcessRun> =>
    timeProcess(program.script, program.args, { env, cwd });
  const programs = {
    getToDos: { script: bin, args: ['--op', 'getToDos'] },
    daemon: { script: TUTORIAL_DAEMON, args: [] },
    help: { script: bin, args: ['--help'] },
    nothing: { script: NOTHING, args: [] },
    syncBundle: { script: bin, args: ['--op', 'sync'] },
    syncUnbundled: { script: UNBUNDLED_CLI, args: ['--op', 'sync'] },
  } satisfies Record<string, Program>;
  // One unmeasured run of each warms the file cache and creates the sync's container and
  // snapshot, so every measured run finds the same state.
  for (const program of Object.values(programs)) await run(program);

  const fetched = await alternate(plan.pairs, ['getToDos', 'daemon'], (k) => run(programs[k]));
  const lists = [...fetched.getToDos, ...fetched.daemon].map((r) =>
    JSON.stringify(JSON.parse(r.stdout)),
  );
  if (new Set(lists).size !== 1)
    throw new Error('todo-sync and the tutorial daemon printed different lists');
  const help = await alternate(plan.pairs, ['help', 'nothing'], (k) => run(programs[k]));
  const sync = await alternate(plan.syncPairs, ['syncBundle', 'syncUnbundled'], (k) =>
    run(programs[k]),
  );

  const wall = (r: ProcessRun) => r.wallMs;
  const rss = (r: ProcessRun) => r.peakRssBytes;
  const cpu = (r: ProcessRun) => r.cpuMs;
  const getWall = paired(fetched, 'getToDos', 'daemon', wall);
  const getRss = paired(fetched, 'getToDos', 'daemon', rss);
  const helpWall = paired(help, 'help', 'nothing', wall);
  const getCpu = paired(fetched, 'getToDos', 'daemon', cpu);
  const helpRss = paired(help, 'help', 'nothing', rss);
  const helpCpu = paired(help, 'help', 'nothing', cpu);
  const syncWall = paired(sync, 'syncBundle', 'syncUnbundled', wall);
  const syncRss = paired(sync, 'syncBundle', 'syncUnbundled', rss);
  const [helpStep, , opStep] = cliSteps(await readCliMetafile());
  const pairs = `medians of ${plan.pairs} alternating pairs of new processes (ratio: median of the pairs' ratios)`;
  return [
    {
      metric: 'todo-sync --op getToDos, new process: wall time',
      measured: ms(getWall.measured),
      floor: `${ms(getWall.floor)} tutorial daemon`,
      ratio: ratio(getWall.ratio),
      target: '<= 1.00x',
      met: getWall.ratio <= 1,
      notes: `spawn to exit, token from the IdP and one GET included; ${pairs}; CPU time ${ms(getCpu.measured)} vs ${ms(getCpu.floor)} (${ratio(getCpu.ratio)}); daemon: one MSAL client, one axios GET, print (CommonJS, as the tutorial's)`,
    },
    {
      metric: 'todo-sync --op getToDos, new process: peak RSS',
      measured: megabytes(getRss.measured),
      floor: `${megabytes(getRss.floor)} tutorial daemon`,
      ratio: ratio(getRss.ratio),
      target: '<= 1.00x',
      met: getRss.ratio <= 1,
      notes: `peak RSS (VmHWM) as each process exits, the same runs; getToDos evaluates ${describeStep(opStep)} of the bundle`,
    },
    {
      metric: 'todo-sync --help, new process: wall time',
      measured: ms(helpWall.measured),
      floor: `${ms(helpWall.floor)} empty program`,
      ratio: ratio(helpWall.ratio),
      target: '<= 1.25x',
      met: helpWall.ratio <= 1.25,
      notes: `${pairs}; evaluates ${describeStep(helpStep)}; CPU time ${ms(helpCpu.measured)} vs ${ms(helpCpu.floor)} (${ratio(helpCpu.ratio)}); peak RSS ${megabytes(helpRss.measured)} vs ${megabytes(helpRss.floor)}`,
    },
    {
      metric: 'todo-sync --op sync, first sync in a new process: wall time',
      measured: `${ms(syncWall.measured)} bundle`,
      floor: `${ms(syncWall.floor)} unbundled`,
      ratio: ratio(syncWall.ratio),
      target: '',
      met: undefined,
      notes: `the bin vs the tsc output (dist/src/cli/main.js); medians of ${plan.syncPairs} pairs; peak RSS ${megabytes(syncRss.measured)} vs ${megabytes(syncRss.floor)} (${ratio(syncRss.ratio)})`,
    },
  ];
}
