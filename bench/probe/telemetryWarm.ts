// Probe: warm syncs through the deploy package's HTTP function, invoked as the host invokes it
// (its pre- and postInvocation hooks included: with telemetry on, the postInvocation hook
// exports the invocation's spans, metrics and logs before the invocation counts as done).
// argv[2] todos, argv[3] timed syncs, each of a list with one description changed; reports
// each sync's time. Export on or off is the environment's (OTEL_EXPORTER_OTLP_ENDPOINT).
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import functions from '@azure/functions';
import { DEPLOY_MAIN, packagePaths } from '../../scripts/package/paths.js';
import { emulateFunctionsHost } from '../../stack/functionsHost.js';
import { reportResult, setTodos } from './parentLink.js';
import { timed } from './timed.js';

const count = Number(process.argv[2]);
const syncs = Number(process.argv[3]);
const host = emulateFunctionsHost();
await import(pathToFileURL(join(packagePaths().appDir, DEPLOY_MAIN)).href);

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

await setTodos(count);
for (let i = 0; i < 3; i++) await postSync();
const times: number[] = [];
for (let i = 1; i <= syncs; i++) {
  await setTodos(count, i);
  times.push(await timed(postSync));
}
reportResult({ times });
