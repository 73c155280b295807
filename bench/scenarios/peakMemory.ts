// Peak resident memory a sync of a long list adds to an idle process, per byte of payload.
import type { BenchContext } from '../parent/benchContext.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';
import { megabytes, ratio } from '../stats.js';

interface MemoryResult {
  bytes: number;
  idleRss: number;
  peakRss: number;
}

export async function peakMemory(bench: BenchContext, todos: number): Promise<Row> {
  const env = { ...bench.env, SYNC_CONTAINER: 'bench-memory' };
  const options = { env, serve: bench.serve, nodeOptions: ['--expose-gc'] };
  const product = (await runProbe('peakMemory', [todos], options)) as MemoryResult;
  const floor = (await runProbe('floorMemory', [todos], options)) as MemoryResult;
  const added = product.peakRss - product.idleRss;
  const floorAdded = floor.peakRss - floor.idleRss;
  return {
    metric: `Peak RSS above idle, ${todos.toLocaleString('en')} todos, per payload byte`,
    measured: `${megabytes(added)} (${ratio(added / product.bytes)})`,
    floor: `${megabytes(floorAdded)} (${ratio(floorAdded / floor.bytes)})`,
    ratio: ratio(added / product.bytes),
    target: '<= 4.00x payload',
    met: added / product.bytes <= 4,
    notes: `payload ${megabytes(product.bytes)}; idle ${megabytes(product.idleRss)}, peak ${megabytes(product.peakRss)}; two syncs (the second with the first list cached), floor likewise`,
  };
}
