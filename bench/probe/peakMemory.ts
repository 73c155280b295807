// Probe (run with --expose-gc): the resident memory a sync of argv[2] todos adds to an idle,
// warm process. Idle = RSS after warm-up syncs of a short list and a full GC; peak = the
// process's maximum RSS after two syncs of the long list (the second one compares against the
// first, so the previous and the new list are both alive, as in every later run).
import { loadTarget } from './loadTarget.js';
import { reportResult, setTodos } from './parentLink.js';
import { postSync } from './postSync.js';

const size = Number(process.argv[2]);
const target = await loadTarget('bundle');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run this probe with --expose-gc');

await setTodos(10);
await postSync(target);
await setTodos(10, 1);
await postSync(target);
gc();
const idleRss = process.memoryUsage.rss();
const idleMaxRss = process.resourceUsage().maxRSS * 1024;

const bytes = await setTodos(size);
await postSync(target);
await setTodos(size, 1);
const summary = await postSync(target);
if (summary.changed.length !== 1) throw new Error('expected one changed todo');
const peakRss = process.resourceUsage().maxRSS * 1024;
reportResult({ size, bytes, idleRss, idleMaxRss, peakRss });
