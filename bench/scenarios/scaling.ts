// How a changed-list sync grows from 1k to 10k to 100k todos, each size against its floor.
import type { BenchContext } from '../parent/benchContext.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';
import { megabytes, median, ms, pairedRatio, ratio } from '../stats.js';

interface SizeResult {
  size: number;
  bytes: number;
  product: number[];
  floor: number[];
}

export async function scaling(
  bench: BenchContext,
  sizes: readonly number[],
  pairs: number,
): Promise<Row[]> {
  const env = { ...bench.env, SYNC_CONTAINER: 'bench-scaling' };
  const results = (await runProbe('scaling', [sizes.join(','), pairs], {
    env,
    serve: bench.serve,
  })) as SizeResult[];
  const rows: Row[] = results.map((r) => {
    return {
      metric: `Changed-list sync, ${r.size.toLocaleString('en')} todos`,
      measured: ms(median(r.product)),
      floor: ms(median(r.floor)),
      ratio: ratio(pairedRatio(r.product, r.floor)),
      target: '',
      met: undefined,
      notes: `payload ${megabytes(r.bytes)}; medians of ${pairs} pairs`,
    };
  });
  const growth = results.slice(1).map((r, i) => {
    const previous = results[i];
    const factor = previous ? median(r.product) / median(previous.product) : Number.NaN;
    const sizeFactor = previous ? r.size / previous.size : Number.NaN;
    return { label: `${previous?.size ?? '?'}→${r.size}`, factor, sizeFactor };
  });
  rows.push({
    metric: 'Growth of sync time with the list',
    measured: growth.map((g) => `${g.factor.toFixed(1)}x`).join(', '),
    floor: '',
    ratio: '',
    target: 'linear',
    met: growth.every((g) => g.factor <= g.sizeFactor * 1.1),
    notes: `per ${growth.map((g) => g.label).join(', ')} todos (10x each); linear or better = at most 10x`,
  });
  return rows;
}
