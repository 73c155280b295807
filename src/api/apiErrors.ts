import { AxiosError, type AxiosResponse } from 'axios';
import { ApiError } from '../errors.js';
import type { Redactor } from '../logging/redact.js';
import { parseJsonBytes } from '../core/jsonBody.js';
import type { PermissionClaims } from './permissionClaims.js';

/** The application permission a read needs (ToDoList.ReadWrite.All also allows it). */
export const READ_PERMISSION = 'ToDoList.Read.All';
/** The application permission a write needs. */
export const WRITE_PERMISSION = 'ToDoList.ReadWrite.All';

/**
 * Most characters of the API's own problem details that go into a message: room for a
 * validation error or two, and a cap on what a misbehaving API can put into our logs.
 */
export const MAX_PROBLEM_CHARS = 1024;
/** A problem body larger than this is not read at all: real ones are a few hundred bytes. */
const MAX_PROBLEM_BODY_BYTES = 64 * 1024;

/** What the client knew about the call that failed. */
export interface ApiCallContext {
  readonly method: string;
  readonly url: string;
  /** The application permission the call needs, named when the API answers 403. */
  readonly permission: string;
  /** The x-ms-client-request-id sent: the call's id when the API sends none of its own. */
  readonly clientRequestId: string;
  /** True when the call was sent again with a fresh token after a 401. */
  readonly afterRefresh: boolean;
  /** Which permission claims the token sent carries; read only after a 401. */
  readonly tokenClaims?: PermissionClaims | undefined;
  /** The response size cap, named when a response exceeds it. */
  readonly maxResponseBytes: number;
  /** Scrubs the API's own words (its problem details) before they join a message. */
  readonly redactor: Redactor;
}

/** A body over maxContentLength (on the wire or once decompressed: a gzip bomb). */
export function isOverCap(error: AxiosError): boolean {
  return error.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message);
}

/** The body could not be decompressed: zlib's codes (Z_DATA_ERROR...), brotli's, zstd's. */
export function isUndecodable(error: AxiosError): boolean {
  return /^(?:Z_|ERR__ERROR_|ZSTD_)/i.test(error.code ?? '');
}

/** The API's request id when it sends one (Microsoft's ToDoListAPI does not), else ours. */
export function requestIdOf(response: AxiosResponse | undefined, sent: string): string {
  const headers = response?.headers;
  const id: unknown =
    headers?.['x-ms-request-id'] ?? headers?.['request-id'] ?? headers?.['x-request-id'];
  return typeof id === 'string' && id ? id : sent;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One line of text: line breaks and control characters could forge log lines. */
const oneLine = (text: string): string => text.replace(/[\s\p{Cc}]+/gu, ' ').trim();

const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' && oneLine(value) !== '' ? oneLine(value) : undefined;

const sentence = (text: string): string => (/[.!?:]$/.test(text) ? text : `${text}.`);

function capped(text: string): string {
  if (text.length <= MAX_PROBLEM_CHARS) return text;
  // Never end on half of a surrogate pair.
  return `${text.slice(0, MAX_PROBLEM_CHARS - 1).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

/**
 * The API's RFC 9457 problem details (ASP.NET Core's, for Microsoft's ToDoListAPI) in words:
 * title, detail, each field error and the traceId. Never the response headers. Undefined when
 * the body is not a problem object.
 */
function problemText(response: AxiosResponse | undefined, redactor: Redactor): string | undefined {
  if (!response) return undefined;
  const contentType = String(response.headers['content-type'] ?? '');
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/problem+json' && mediaType !== 'application/json')
    return undefined;
  const data: unknown = response.data;
  const body = Buffer.isBuffer(data)
    ? data
    : typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : undefined;
  if (!body || body.length === 0 || body.length > MAX_PROBLEM_BODY_BYTES) return undefined;
  let problem: unknown;
  try {
    problem = parseJsonBytes(body);
  } catch {
    return undefined;
  }
  if (!isRecord(problem)) return undefined;

  const words: string[] = [];
  const title = textOf(problem.title);
  const detail = textOf(problem.detail);
  if (title) words.push(sentence(title));
  if (detail && detail !== title) words.push(sentence(detail));
  if (isRecord(problem.errors)) {
    for (const [field, messages] of Object.entries(problem.errors)) {
      const list = (Array.isArray(messages) ? messages : [messages]).flatMap((m) => {
        const text = textOf(m);
        return text === undefined ? [] : [text];
      });
      words.push(`${oneLine(field)}: ${list.length > 0 ? list.join(' ') : '(no message)'}`);
    }
  }
  const traceId = textOf(problem.traceId);
  if (words.length === 0 && traceId === undefined) return undefined;
  // The traceId first, so that the cap never cuts it off; redacted before the cap, so that the
  // cap never leaves half a secret the redactor would no longer recognise.
  const said = `The API said${traceId ? ` (traceId ${traceId})` : ''}${words.length > 0 ? `: ${words.join(' ')}` : '.'}`;
  return capped(redactor.redact(said));
}

function noPermissionClaim(claims: PermissionClaims | undefined): boolean {
  return claims !== undefined && !claims.roles && !claims.scp;
}

/**
 * Converts what an API call threw (an AxiosError, or anything else) into our ApiError, with a
 * message that says what to fix: the permission for a 403; admin consent when a 401 survives a
 * fresh token that carries no permission claim at all (Microsoft.Identity.Web answers such a
 * token with 401, not 403); SCOPES and AUTHORITY for any other 401; the API's own problem
 * details for other client errors. No `cause`: an AxiosError holds the request config,
 * Authorization header included.
 */
export function toApiError(err: unknown, context: ApiCallContext): ApiError {
  const { method, url, permission } = context;
  const where = `${method} ${url}`;
  if (!(err instanceof AxiosError)) {
    return new ApiError(
      `Calling the API failed (${where}): ${err instanceof Error ? err.message : 'unknown error'}.`,
      { method, url },
    );
  }
  const status = err.response?.status;
  const requestId = requestIdOf(err.response, context.clientRequestId);
  const giveUp = err.config?.todoSyncCall?.giveUpReason;
  let message: string;
  if (status === 401 && context.afterRefresh && noPermissionClaim(context.tokenClaims)) {
    const grant =
      permission === READ_PERMISSION ? `${READ_PERMISSION} (or ${WRITE_PERMISSION})` : permission;
    message = `The API refused the access token with 401 even after a fresh token (${where}): the token carries neither roles nor scp, so the app has no application permission on this API. Add the application permission ${grant} to the daemon's app registration and grant admin consent for it.`;
  } else if (status === 401) {
    message = `The API refused the access token with 401${context.afterRefresh ? ' even after a fresh token' : ''} (${where}): check that SCOPES is this API's application ID URI and AUTHORITY is the tenant the API trusts.`;
  } else if (status === 403) {
    message = `The API refused ${where} with 403 Forbidden: the app needs the application permission ${permission}. Grant it to the daemon's app registration with admin consent.`;
  } else if (isUndecodable(err)) {
    // It arrived with a success status: "failed with 200" would send people the wrong way.
    message = `The API's response to ${where} could not be decoded (${err.code ?? 'corrupt'}): its compressed body is corrupt.`;
  } else if (status !== undefined) {
    message = `The API failed ${where} with ${status}${err.response?.statusText ? ` ${err.response.statusText}` : ''}${giveUp ? `; ${giveUp}` : ''}.`;
  } else if (isOverCap(err)) {
    message = `The API's response to ${where} is larger than the ${context.maxResponseBytes} byte cap.`;
  } else if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') {
    message = `The API did not answer ${where} in time (${err.message})${giveUp ? `; ${giveUp}` : ''}.`;
  } else if (err.code === 'ERR_CANCELED') {
    message = `The call ${where} was cancelled: the run ran out of time or ended.`;
  } else {
    message = `Could not reach the API for ${where}: ${err.code ?? err.message}${giveUp ? `; ${giveUp}` : ''}.`;
  }
  const said =
    status !== undefined && status >= 400 && status < 500
      ? problemText(err.response, context.redactor)
      : undefined;
  return new ApiError(`${message}${said ? ` ${said}` : ''} (request-id ${requestId})`, {
    status,
    method,
    url,
    requestId,
  });
}
