import type { HttpResponseInit } from '@azure/functions';
import { TodoSyncError, type ErrorCode } from '../errors.js';
import type { Redactor } from '../logging/redact.js';

const PROBLEMS: Readonly<Record<ErrorCode | 'internal', { status: number; title: string }>> = {
  config: { status: 500, title: 'The function app is misconfigured' },
  usage: { status: 400, title: 'Bad request' },
  auth: { status: 503, title: 'No access token could be obtained' },
  vault: { status: 503, title: 'The credential could not be read from Key Vault' },
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
  const code = err instanceof TodoSyncError ? err.code : 'internal';
  const { status, title } = PROBLEMS[code];
  const detail =
    err instanceof TodoSyncError
      ? redactor.redact(err.message)
      : `See the function's logs for invocation ${invocationId}.`;
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
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
