// Cold start: process start to both functions registered, bundle vs the tsc output.
import { runProbe } from '../parent/runProbe.js';
import type { Target } from '../protocol.js';
import type { Row } from '../report/row.js';
import { median, ms, pairedRatio, ratio } from '../stats.js';

export async function coldStart(env: NodeJS.ProcessEnv, runs: number): Promise<Row> {
  const times: Record<Target, number[]> = { bundle: [], source: [] };
  const empty: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate the order so that neither target always follows the other.
    const order: Target[] = i % 2 === 0 ? ['bundle', 'source'] : ['source', 'bundle'];
    for (const target of order) {
      const { registeredAtMs } = (await runProbe('coldStart', [target], { env })) as {
        registeredAtMs: number;
      };
      times[target].push(registeredAtMs);
    }
    empty.push(((await runProbe('empty', [], { env })) as { readyAtMs: number }).readyAtMs);
  }
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
