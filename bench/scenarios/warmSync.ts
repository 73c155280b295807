// Warm syncs of a changed and an unchanged list, each against the floor run next to it.
import type { BenchContext } from '../parent/benchContext.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';
import { median, ms, pairedRatio, ratio } from '../stats.js';

interface Samples {
  product: number[];
  floor: number[];
}

export async function warmSync(bench: BenchContext, todos: number, pairs: number): Promise<Row[]> {
  const env = { ...bench.env, SYNC_CONTAINER: 'bench-warm' };
  const result = (await runProbe('warmSync', [todos, pairs], { env, serve: bench.serve })) as {
    changed: Samples;
    unchanged: Samples;
  };
  const row = (label: string, samples: Samples, limit: number): Row => {
    const paired = pairedRatio(samples.product, samples.floor);
    return {
      metric: `Warm sync, ${todos.toLocaleString('en')} todos, ${label}`,
      measured: ms(median(samples.product)),
      floor: ms(median(samples.floor)),
      ratio: ratio(paired),
      target: `<= ${limit.toFixed(2)}x`,
      met: paired <= limit,
      notes: `medians of ${pairs} back-to-back pairs (ratio: median of the pairs' ratios); floor = token in hand, GET + JSON.parse + 1 upload`,
    };
  };
  return [row('changed list', result.changed, 1.3), row('unchanged list', result.unchanged, 1.0)];
}
