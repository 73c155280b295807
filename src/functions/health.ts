import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from '@azure/functions';
import { inInvocation } from '../adapters/invocationScope.js';
import { problemResponse, staleProblem } from '../adapters/problemDetails.js';
import { getProcessRuntime, type ProcessRuntime } from '../runtime/processRuntime.js';

/**
 * Freshness for monitors. `GET /api/health` answers 200 while the last successful sync is
 * younger than the threshold, and 503 (problem+json, with the age) once it is older or when no
 * sync has succeeded: a timer that silently stopped firing shows here, not only a failing one.
 */
export function healthHandler(
  processRuntime: () => ProcessRuntime,
): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return (_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    inInvocation(processRuntime, context, async ({ runtime, redactor, logger }) => {
      try {
        const freshness = await runtime().freshness();
        if (freshness.state !== 'fresh') {
          logger.warn(`health: ${freshness.state}`, {
            lastSuccessAt: 'lastSuccessAt' in freshness ? freshness.lastSuccessAt : undefined,
            staleAfterSeconds: Math.round(freshness.staleAfterMs / 1000),
          });
          return staleProblem(freshness, context.invocationId);
        }
        return {
          status: 200,
          jsonBody: {
            status: 'fresh',
            lastSuccessAt: freshness.lastSuccessAt,
            ageSeconds: Math.round(freshness.ageMs / 1000),
            staleAfterSeconds: Math.round(freshness.staleAfterMs / 1000),
          },
        };
      } catch (err) {
        const response = problemResponse(err, context.invocationId, redactor);
        logger.error(`health check failed with ${(response.status ?? 500).toString()}`, {
          reason: err instanceof Error ? err.message : 'unknown error',
        });
        return response;
      }
    });
}

/** The handler the host calls: over the process's runtime. */
export const health = healthHandler(getProcessRuntime);

app.http('health', {
  route: 'health',
  methods: ['GET'],
  // Like every function here: a monitor calls it with a function key.
  authLevel: 'function',
  handler: health,
});
