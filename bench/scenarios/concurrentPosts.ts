// 50 concurrent POST /api/sync in a new process: how many upstream GETs they cause.
import type { BenchContext } from '../parent/benchContext.js';
import { runProbe } from '../parent/runProbe.js';
import type { Row } from '../report/row.js';

export async function concurrentPosts(bench: BenchContext, calls: number): Promise<Row> {
  const env = { ...bench.env, SYNC_CONTAINER: 'bench-concurrent' };
  const result = (await runProbe('concurrentPosts', [calls], { env, serve: bench.serve })) as {
    runIds: number;
    apiGets: number;
    idpTokenRequests: number;
  };
  return {
    metric: `${calls} concurrent POST /api/sync: upstream GETs`,
    measured: String(result.apiGets),
    floor: '',
    ratio: '',
    target: '1',
    met: result.apiGets === 1,
    notes: `${result.runIds} run(s) shared by all calls; ${result.idpTokenRequests} token request(s)`,
  };
}
