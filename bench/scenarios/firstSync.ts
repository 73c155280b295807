// Time to the first completed sync in a new process (timer function), bundle vs tsc output.
import type { BenchContext } from '../parent/benchContext.js';
import { measureBothTargets } from '../parent/bothTargets.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';
import { median, ms, pairedRatio, ratio } from '../stats.js';

export async function firstSync(bench: BenchContext, runs: number, todos: number): Promise<Row> {
  const env = { ...bench.env, SYNC_CONTAINER: 'bench-first-sync' };
  bench.serve({ op: 'setTodos', count: todos, edit: 0 });
  // One unmeasured run creates the container and the snapshot blob, so every
  // measured run finds the same state.
  await runProbe('firstSync', ['bundle'], { env });
  const times = await measureBothTargets(runs, async (target) => {
    const { syncedAtMs } = (await runProbe('firstSync', [target], { env })) as {
      syncedAtMs: number;
    };
    return syncedAtMs;
  });
  const bundle = median(times.bundle);
  const source = median(times.source);
  const paired = pairedRatio(times.bundle, times.source);
  return {
    metric: `First sync in a new process (${todos.toLocaleString('en')} todos)`,
    measured: `${ms(bundle)} bundle`,
    floor: `${ms(source)} unbundled`,
    ratio: ratio(paired),
    target: '',
    met: undefined,
    notes: `process start to timer run done (token, TLS, storage included); medians of ${runs} pairs`,
  };
}
