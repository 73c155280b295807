import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { inInvocation } from '../adapters/invocationScope.js';
import { notFoundProblem, problemResponse } from '../adapters/problemDetails.js';
import { LockHeldError } from '../errors.js';
import { getProcessRuntime, type ProcessRuntime } from '../runtime/processRuntime.js';

/**
 * Manual sync. `POST /api/sync` runs a sync (joining one in flight on this instance) and
 * returns its summary once the snapshot, the status and the run record are stored and the lock
 * released; `GET /api/sync` returns the last run's record. The body is ignored.
 */
export function syncTodosHandler(
  processRuntime: () => ProcessRuntime,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    inInvocation(processRuntime, context, async ({ runtime, redactor, logger }) => {
      try {
        if (request.method === 'GET') {
          const last = await runtime().lastRun();
          return last
            ? { status: 200, jsonBody: last }
            : notFoundProblem('No sync has run yet.', context.invocationId);
        }
        return { status: 200, jsonBody: await runtime().sync('http') };
      } catch (err) {
        const response = problemResponse(err, context.invocationId, redactor);
        const reason = err instanceof Error ? err.message : 'unknown error';
        if (err instanceof LockHeldError) {
          // Another instance syncing is the lock doing its job, not a fault (the timer skips).
          logger.info('sync request answered 409: another sync holds the lock', { reason });
        } else {
          logger.error(`sync request failed with ${(response.status ?? 500).toString()}`, {
            reason,
          });
        }
        return response;
      }
    });
}

/** The handler the host calls: over the process's runtime. */
export const syncTodos = syncTodosHandler(getProcessRuntime);

app.http('syncTodos', {
  route: 'sync',
  methods: ['GET', 'POST'],
  // Every HTTP function needs a function key; the default would be anonymous.
  authLevel: 'function',
  handler: syncTodos,
});
