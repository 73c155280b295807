// Probe: warm syncs of argv[2] todos (the deploy package's HTTP function, one process, token
// cached), changed and unchanged lists, each run next to a floor run: argv[3] pairs of each.
import { createFloor } from './floor.js';
import { loadTarget } from './loadTarget.js';
import { reportResult, setTodos } from './parentLink.js';
import { postSync } from './postSync.js';
import { timed } from './timed.js';

const count = Number(process.argv[2]);
const pairs = Number(process.argv[3]);
const target = await loadTarget('bundle');
const floor = await createFloor(process.env, 'bench-floor');

await setTodos(count);
for (let i = 0; i < 2; i++) {
  await postSync(target);
  await floor.run();
}

const changed = { product: [] as number[], floor: [] as number[] };
const unchanged = { product: [] as number[], floor: [] as number[] };
for (let i = 1; i <= pairs; i++) {
  await setTodos(count, i);
  // Alternate which goes first, so neither always runs right after the list was replaced.
  const floorFirst = i % 2 === 0;
  if (floorFirst) changed.floor.push(await timed(() => floor.run()));
  changed.product.push(
    await timed(async () => {
      const summary = await postSync(target);
      if (summary.changed.length !== 1) throw new Error('expected one changed todo');
    }),
  );
  if (!floorFirst) changed.floor.push(await timed(() => floor.run()));
}
for (let i = 1; i <= pairs; i++) {
  const floorFirst = i % 2 === 0;
  if (floorFirst) unchanged.floor.push(await timed(() => floor.run()));
  unchanged.product.push(
    await timed(async () => {
      const summary = await postSync(target);
      if (summary.changed.length + summary.added.length + summary.removed.length !== 0) {
        throw new Error('expected an unchanged list');
      }
    }),
  );
  if (!floorFirst) unchanged.floor.push(await timed(() => floor.run()));
}
reportResult({ changed, unchanged });
