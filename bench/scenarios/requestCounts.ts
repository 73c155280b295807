// Requests per sync in a new process: storage round trips (counting proxy), token requests
// to the identity provider and GETs to the API.
import type { BenchContext } from '../parent/benchContext.js';
import { runProbe } from '../parent/runProbe.js';
import type { Counters } from '../protocol.js';
import type { Row } from '../report/row.js';
import { median } from '../stats.js';

interface Result {
  runs: { kind: 'first' | 'changed' | 'unchanged'; counters: Counters }[];
  total: Counters;
  floorRun: Counters;
}

export async function requestCounts(
  bench: BenchContext,
  syncs: number,
  todos: number,
): Promise<Row[]> {
  const env = { ...bench.countedEnv, SYNC_CONTAINER: 'bench-counted' };
  const result = (await runProbe('countRequests', [syncs, todos], {
    env,
    serve: bench.serve,
  })) as Result;
  const storage = (kind: string) =>
    median(result.runs.filter((r) => r.kind === kind).map((r) => r.counters.storageRequests));
  const first = storage('first');
  const changed = storage('changed');
  const unchanged = storage('unchanged');
  const gets = Math.max(...result.runs.map((r) => r.counters.apiGets));
  return [
    {
      metric: `IdP token requests per ${syncs} syncs (new process)`,
      measured: String(result.total.idpTokenRequests),
      floor: '',
      ratio: '',
      target: '1',
      met: result.total.idpTokenRequests <= 1,
      notes: `the first sync fetches the token; ${syncs - 1} warm syncs use MSAL's cache; at most ${gets} API GET per sync`,
    },
    {
      metric: 'Storage round trips per warm sync: changed / unchanged list',
      measured: `${changed} / ${unchanged}`,
      floor: `${result.floorRun.storageRequests}`,
      ratio: '',
      target: '',
      met: undefined,
      notes: `lease on the snapshot (its answer's ETag shows the copy in memory is current: no snapshot GET), snapshot PUT if the list changed, status + run record, release; first sync in a process: ${first}`,
    },
  ];
}
