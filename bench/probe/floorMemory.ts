// Probe (run with --expose-gc): the same measure as peakMemory, for the floor script (GET,
// JSON.parse, one upload of the body), so the product's figure has a floor beside it.
import { createFloor } from './floor.js';
import { reportResult, setTodos } from './parentLink.js';

const size = Number(process.argv[2]);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run this probe with --expose-gc');
const floor = await createFloor(process.env, 'bench-floor-memory');

await setTodos(10);
await floor.run();
await setTodos(10, 1);
await floor.run();
gc();
const idleRss = process.memoryUsage.rss();

const bytes = await setTodos(size);
await floor.run();
await setTodos(size, 1);
await floor.run();
const peakRss = process.resourceUsage().maxRSS * 1024;
reportResult({ size, bytes, idleRss, peakRss });
