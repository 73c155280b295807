// Probe: argv[2] concurrent `POST /api/sync` calls through the HTTP function in a new process;
// the bench counts the upstream GETs and token requests they cause.
import { loadTarget } from './loadTarget.js';
import { readCounters, reportResult } from './parentLink.js';
import { postSync } from './postSync.js';

const calls = Number(process.argv[2]);
const target = await loadTarget('bundle');
const before = await readCounters();
const summaries = await Promise.all(Array.from({ length: calls }, () => postSync(target)));
const after = await readCounters();
reportResult({
  calls,
  runIds: new Set(summaries.map((s) => s.runId)).size,
  apiGets: after.apiGets - before.apiGets,
  idpTokenRequests: after.idpTokenRequests - before.idpTokenRequests,
});
