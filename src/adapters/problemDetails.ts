import type { HttpResponseInit } from '@azure/functions';
import { TodoSyncError, type ErrorCode } from '../errors.js';
import type { Redactor } from '../logging/redact.js';
import type { Freshness } from '../core/freshness.js';

/**
 * Retry-After of a 503: the identity provider or Key Vault refused or failed. Each POST that
 * is answered so makes a token request (and, for a refused credential, a vault read) again,
 * so a minute keeps callers from hammering both, while an outage or a rotated credential
 * (picked up on the next run) can be over by then. The timer does not wait on it.
 */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 60;

const PROBLEMS: Readonly<
  Record<ErrorCode | 'internal', { status: number; title: string; retryAfterSeconds?: number }>
> = {
  config: { status: 500, title: 'The function app is misconfigured' },
  usage: { status: 400, title: 'Bad request' },
  auth: {
    status: 503,
    title: 'No access token could be obtained',
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  },
  vault: {
    status: 503,
    title: 'The credential could not be read from Key Vault',
    retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_SECONDS,
  },
  api: { status: 502, title: 'The ToDo list API failed' },
  storage: { status: 502, title: 'Blob Storage failed' },
  'lock-held': { status: 409, title: 'Another sync is running' },
  timeout: { status: 504, title: 'The sync ran out of time' },
  internal: { status: 500, title: 'Unexpected error' },
};

/**
 * An RFC 9457 problem response for an error. Our errors' messages carry no secrets (and are
 * redacted again here); an unexpected error's message is not shown at all.
 */
export function problemResponse(
  err: unknown,
  invocationId: string,
  redactor: Redactor,
): HttpResponseInit {
  const known = err instanceof TodoSyncError ? err : undefined;
  const code = known?.code ?? 'internal';
  const { status, title, retryAfterSeconds: byKind } = PROBLEMS[code];
  const detail = known
    ? redactor.redact(known.message)
    : `See the function's logs for invocation ${invocationId}.`;
  // The error's own hint (a held lock knows its lease) before its kind's default.
  const retryAfter = known?.retryAfterSeconds ?? byKind;
  return {
    status,
    headers: {
      'Content-Type': 'application/problem+json',
      ...(retryAfter === undefined ? {} : { 'Retry-After': String(Math.ceil(retryAfter)) }),
    },
    body: JSON.stringify({
      type: `urn:todo-sync:problem:${code}`,
      title,
      status,
      detail,
      invocationId,
    }),
  };
}

/** A problem response that is not an error: a resource simply does not exist yet. */
export function notFoundProblem(detail: string, invocationId: string): HttpResponseInit {
  return {
    status: 404,
    headers: { 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({
      type: 'urn:todo-sync:problem:not-found',
      title: 'Not found',
      status: 404,
      detail,
      invocationId,
    }),
  };
}

/**
 * A 503 problem for data that is too old (or was never synced): not an error of this request,
 * the state a monitor must see. Extension members carry the numbers, so a probe need not parse
 * the detail.
 */
export function staleProblem(
  freshness: Exclude<Freshness, { state: 'fresh' }>,
  invocationId: string,
): HttpResponseInit {
  const threshold = Math.round(freshness.staleAfterMs / 1000);
  const never = freshness.state === 'never';
  const ageSeconds = never ? undefined : Math.round(freshness.ageMs / 1000);
  const why = `the threshold is ${threshold.toString()} s (SYNC_STALE_AFTER_SECONDS, or twice the longest gap between runs of SYNC_SCHEDULE): check that the timer fires and what the last runs say (GET /api/sync).`;
  return {
    status: 503,
    headers: { 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({
      type: `urn:todo-sync:problem:${never ? 'never-synced' : 'stale'}`,
      title: never ? 'No sync has succeeded yet' : 'The synced data is stale',
      status: 503,
      detail: never
        ? `No successful sync is recorded; ${why}`
        : `The last successful sync finished ${String(ageSeconds)} s ago; ${why}`,
      ...(never ? {} : { lastSuccessAt: freshness.lastSuccessAt, ageSeconds }),
      staleAfterSeconds: threshold,
      invocationId,
    }),
  };
}
