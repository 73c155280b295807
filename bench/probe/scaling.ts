// Probe: changed-list syncs at each size in argv[2] (comma-separated todo counts), argv[3]
// pairs each (a sync and a floor run), in one warm process: how time grows with the list.
import { createFloor } from './floor.js';
import { loadTarget } from './loadTarget.js';
import { reportResult, setTodos } from './parentLink.js';
import { postSync } from './postSync.js';
import { timed } from './timed.js';

const sizes = (process.argv[2] ?? '').split(',').map(Number);
const pairs = Number(process.argv[3]);
const target = await loadTarget('bundle');
const floor = await createFloor(process.env, 'bench-floor-scaling');

const results: { size: number; bytes: number; product: number[]; floor: number[] }[] = [];
for (const size of sizes) {
  const bytes = await setTodos(size);
  await postSync(target);
  await floor.run();
  const product: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 1; i <= pairs; i++) {
    await setTodos(size, i);
    product.push(await timed(() => postSync(target)));
    floorTimes.push(await timed(() => floor.run()));
  }
  results.push({ size, bytes, product, floor: floorTimes });
}
reportResult(results);
