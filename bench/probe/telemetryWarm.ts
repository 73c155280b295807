// Probe: warm syncs through the deploy package's HTTP function, invoked as the host invokes it
// (its pre- and postInvocation hooks included: with telemetry on, the postInvocation hook
// exports the invocation's spans, metrics and logs before the invocation counts as done).
// argv[2] todos, argv[3] timed syncs, each of a list with one description changed; reports
// each sync's time and CPU time (this process's: the receiver runs in the bench's), how long
// the app's postInvocation hooks took (the export, when on), and
// when (ms from process start) the first sync, invoked as soon as the app had loaded, was done.
// Export on or off is the environment's (OTEL_EXPORTER_OTLP_ENDPOINT). With
// BENCH_EXPORT_FLOOR_ENDPOINT set, it also times the floor of any export made before an
// invocation returns, where such an export happens: between its timed syncs, the same number
// again whose last postInvocation hook sends one empty POST, and as many that send three in
// parallel (one per signal), to that receiver (with export off, the floor's POSTs are all
// such a sync sends; with export on, the same sequence keeps the two kinds of process alike).
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import functions from '@azure/functions';
import { DEPLOY_MAIN, packagePaths } from '../../scripts/package/paths.js';
import { emulateFunctionsHost } from '../../stack/functionsHost.js';
import { reportResult, setTodos } from './parentLink.js';
import { timed } from './timed.js';

const count = Number(process.argv[2]);
const syncs = Number(process.argv[3]);
await setTodos(count);
const host = emulateFunctionsHost();
// Hooks run in the order they were registered: one before the app's and one after them time
// the app's postInvocation hooks (the telemetry export) apart from the sync.
let hooksStarted = 0;
const hookTimes: number[] = [];
functions.app.hook.postInvocation(() => {
  hooksStarted = performance.now();
});
await import(pathToFileURL(join(packagePaths().appDir, DEPLOY_MAIN)).href);
functions.app.hook.postInvocation(() => {
  hookTimes.push(performance.now() - hooksStarted);
});
const floorEndpoint = process.env.BENCH_EXPORT_FLOOR_ENDPOINT;
/** How many empty POSTs the next invocation's last hook sends before it returns. */
let floorPosts = 0;
const floorAgent = new Agent({ keepAlive: true });
if (floorEndpoint) {
  functions.app.hook.postInvocation(async () => {
    await Promise.all(
      ['traces', 'metrics', 'logs']
        .slice(0, floorPosts)
        .map((signal) => emptyPost(floorEndpoint, signal)),
    );
  });
}

async function postSync(): Promise<void> {
  const log: string[] = [];
  const run = await host.invoke(
    'syncTodos',
    new functions.HttpRequest({ method: 'POST', url: 'http://localhost:7071/api/sync' }),
    log,
  );
  const status = (run.result as { status?: number } | undefined)?.status;
  if (status !== 200)
    throw new Error(`POST /api/sync answered ${String(status)}:\n${log.join('\n')}`);
}

// The first sync comes as soon as the functions are registered: with export on, it waits for
// the rest of the SDK's load (see startFunctionsTelemetry).
await postSync();
const firstSyncAtMs = performance.now();
for (let i = 0; i < 2; i++) await postSync();
const times: number[] = [];
/** CPU time (user + system, ms) of each of `times`' syncs. */
const cpuTimes: number[] = [];
/** Sync times with one and with three empty POSTs before the invocation returns. */
const floorTimes = { one: [] as number[], three: [] as number[] };
hookTimes.length = 0;
let edit = 0;
for (let i = 0; i < syncs; i++) {
  // Plain and floor syncs interleaved, in turns, so that both meet the same machine.
  const turns: (0 | 1 | 3)[] = floorEndpoint ? [0, 1, 3] : [0];
  for (let t = 0; t < turns.length; t++) {
    floorPosts = turns[(i + t) % turns.length] ?? 0;
    await setTodos(count, ++edit);
    const cpuBefore = process.cpuUsage();
    const time = await timed(postSync);
    const cpu = process.cpuUsage(cpuBefore);
    if (floorPosts === 0) {
      times.push(time);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    } else (floorPosts === 1 ? floorTimes.one : floorTimes.three).push(time);
  }
}

/** An empty OTLP/JSON POST for a signal, on a keep-alive connection. */
function emptyPost(endpoint: string, signal: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(`v1/${signal}`, endpoint.endsWith('/') ? endpoint : `${endpoint}/`),
      { method: 'POST', agent: floorAgent, headers: { 'content-type': 'application/json' } },
      (res) => res.resume().on('end', resolve),
    );
    req.on('error', reject).end('{}');
  });
}

floorAgent.destroy();
reportResult({
  times,
  cpuTimes,
  hookTimes,
  firstSyncAtMs,
  ...(floorEndpoint ? { floorTimes } : {}),
});
