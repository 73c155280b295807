// Probe: warm syncs through the deploy package's HTTP function, invoked as the host invokes it
// (its pre- and postInvocation hooks included: with telemetry on, the postInvocation hook
// exports the invocation's spans, metrics and logs before the invocation counts as done).
// argv[2] todos, argv[3] timed syncs, each of a list with one description changed; reports
// each sync's time, how long the app's postInvocation hooks took (the export, when on), and
// when (ms from process start) the first sync, invoked as soon as the app had loaded, was done.
// Export on or off is the environment's (OTEL_EXPORTER_OTLP_ENDPOINT). When on, it also times
// the floor of any export made before an invocation returns: one empty POST per signal, in
// parallel, to the same receiver.
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
hookTimes.length = 0;
for (let i = 1; i <= syncs; i++) {
  await setTodos(count, i);
  times.push(await timed(postSync));
}
/** Median time of three empty OTLP/JSON POSTs (traces, metrics, logs) sent in parallel. */
async function exportFloor(endpoint: string): Promise<number> {
  const agent = new Agent({ keepAlive: true });
  const post = (signal: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        new URL(`v1/${signal}`, endpoint.endsWith('/') ? endpoint : `${endpoint}/`),
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => res.resume().on('end', resolve),
      );
      req.on('error', reject).end('{}');
    });
  const rounds: number[] = [];
  for (let i = 0; i < 31; i++) {
    rounds.push(await timed(() => Promise.all(['traces', 'metrics', 'logs'].map(post))));
  }
  agent.destroy();
  return rounds.sort((a, b) => a - b)[rounds.length >> 1] ?? NaN;
}

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
reportResult({
  times,
  hookTimes,
  firstSyncAtMs,
  ...(endpoint ? { floorMs: await exportFloor(endpoint) } : {}),
});
