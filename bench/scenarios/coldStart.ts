// Cold start: process start to both functions registered, bundle vs the tsc output.
import { measureBothTargets } from '../parent/bothTargets.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';
import { median, ms, pairedRatio, ratio } from '../stats.js';

export async function coldStart(env: NodeJS.ProcessEnv, runs: number): Promise<Row> {
  const empty: number[] = [];
  const times = await measureBothTargets(
    runs,
    async (target) => {
      const { registeredAtMs } = (await runProbe('coldStart', [target], { env })) as {
        registeredAtMs: number;
      };
      return registeredAtMs;
    },
    async () => {
      empty.push(((await runProbe('empty', [], { env })) as { readyAtMs: number }).readyAtMs);
    },
  );
  const bundle = median(times.bundle);
  const source = median(times.source);
  const paired = pairedRatio(times.bundle, times.source);
  return {
    metric: 'Cold start: process start to functions registered',
    measured: `${ms(bundle)} bundle`,
    floor: `${ms(source)} unbundled`,
    ratio: ratio(paired),
    target: '<= 0.50x',
    met: paired <= 0.5,
    notes: `medians of ${runs} processes each, run in pairs (ratio: median of the pairs' ratios); an empty Node process: ${ms(median(empty))}`,
  };
}
