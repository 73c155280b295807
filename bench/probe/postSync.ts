// `/api/sync` through the registered HTTP function, as the host would call it.
import { randomUUID } from 'node:crypto';
// A CommonJS package: under NodeNext only its default export is its module.exports.
import functions from '@azure/functions';
import type { SyncSummary } from '../../src/core/syncRecords.js';
import type { LoadedTarget } from './loadTarget.js';

/**
 * Calls the HTTP function with the library's own request and context types (from
 * node_modules: a probe that times cold start must not load them, see runTimer); throws
 * unless it answers 200.
 */
async function callSyncFunction(
  target: LoadedTarget,
  method: 'GET' | 'POST',
): Promise<{ jsonBody?: unknown }> {
  const context = new functions.InvocationContext({
    invocationId: randomUUID(),
    functionName: 'syncTodos',
    logHandler: () => undefined,
  });
  const request = new functions.HttpRequest({ method, url: 'http://localhost:7071/api/sync' });
  const handler = target.handlers.get('syncTodos');
  if (!handler) throw new Error('syncTodos is not registered');
  const response = (await handler(request, context)) as {
    status?: number;
    jsonBody?: unknown;
    body?: unknown;
  };
  if (response.status !== 200) {
    throw new Error(
      `${method} /api/sync answered ${response.status ?? '?'}: ${String(response.body)}`,
    );
  }
  return response;
}

/** `POST /api/sync`: runs a sync and returns its summary. */
export async function postSync(target: LoadedTarget): Promise<SyncSummary> {
  return (await callSyncFunction(target, 'POST')).jsonBody as SyncSummary;
}
