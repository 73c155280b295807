// Probe: a new process runs argv[2] syncs of argv[3] todos through the timer function (first
// one cold, then changed and unchanged lists in turn) while the bench counts, per sync, the
// storage requests (through its counting proxy), the identity provider's token requests and
// the API's GETs. Also counts one floor run's storage requests.
import type { Counters } from '../protocol.js';
import { createFloor } from './floor.js';
import { loadTarget } from './loadTarget.js';
import { readCounters, reportResult, setTodos } from './parentLink.js';
import { runTimer } from './runTimer.js';

const syncs = Number(process.argv[2]);
const count = Number(process.argv[3]);
const target = await loadTarget('bundle');

function delta(after: Counters, before: Counters): Counters {
  return {
    idpTokenRequests: after.idpTokenRequests - before.idpTokenRequests,
    apiGets: after.apiGets - before.apiGets,
    storageRequests: after.storageRequests - before.storageRequests,
  };
}

await setTodos(count);
const start = await readCounters();
const runs: { kind: 'first' | 'changed' | 'unchanged'; counters: Counters }[] = [];
for (let i = 0; i < syncs; i++) {
  const kind = i === 0 ? 'first' : i % 2 === 1 ? 'changed' : 'unchanged';
  if (kind === 'changed') await setTodos(count, i);
  const before = await readCounters();
  // The timer, which returns once all of the run is stored: every request of the run is counted.
  await runTimer(target);
  runs.push({ kind, counters: delta(await readCounters(), before) });
}
const total = delta(await readCounters(), start);

const floor = await createFloor(process.env, 'bench-floor-count');
await floor.run();
const beforeFloor = await readCounters();
await floor.run();
const floorRun = delta(await readCounters(), beforeFloor);
reportResult({ runs, total, floorRun });
