import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { invocationLogger } from '../adapters/invocationLogger.js';
import { notFoundProblem, problemResponse } from '../adapters/problemDetails.js';
import { LockHeldError } from '../errors.js';
import { withLogger } from '../logging/logContext.js';
import { getProcessRuntime } from '../runtime/processRuntime.js';

/**
 * Manual sync. `POST /api/sync` runs a sync (joining one in flight on this instance) and
 * returns its summary; `GET /api/sync` returns the last run's record. The body is ignored.
 */
export async function syncTodos(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const logger = invocationLogger(context);
  return withLogger(logger, async () => {
    try {
      const runtime = getProcessRuntime();
      if (request.method === 'GET') {
        const last = await runtime.lastRun();
        return last
          ? { status: 200, jsonBody: last }
          : notFoundProblem('No sync has run yet.', context.invocationId);
      }
      // Answered once the snapshot is safe; the run's status, history record and the lock's
      // release finish right after (see runSync), without holding up the caller.
      return { status: 200, jsonBody: await runtime.sync('http') };
    } catch (err) {
      const response = problemResponse(err, context.invocationId);
      const reason = err instanceof Error ? err.message : 'unknown error';
      if (err instanceof LockHeldError) {
        // Another instance syncing is the lock doing its job, not a fault (the timer skips).
        logger.info('sync request answered 409: another sync holds the lock', { reason });
      } else {
        logger.error(`sync request failed with ${response.status ?? 500}`, { reason });
      }
      return response;
    }
  });
}

app.http('syncTodos', {
  route: 'sync',
  methods: ['GET', 'POST'],
  // Every HTTP function needs a function key; the default would be anonymous.
  authLevel: 'function',
  handler: syncTodos,
});
