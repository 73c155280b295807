import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import {
  MAX_PROBLEM_CHARS,
  READ_PERMISSION,
  toApiError,
  WRITE_PERMISSION,
  type ApiCallContext,
} from '../../src/api/apiErrors.js';
import { ApiError } from '../../src/errors.js';
import { Redactor } from '../../src/logging/redact.js';

const URL = 'https://api.contoso.com/api/todolist';
const SENT_ID = '11111111-2222-4333-8444-555555555555';
const TRACE_ID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
/** A secret value the process knows (as config registers CLIENT_SECRET). */
const KNOWN_SECRET = 'known-secret-value-42';
/** Shaped like a JWT, so the redactor's pattern catches it. */
const A_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

function context(overrides: Partial<ApiCallContext> = {}): ApiCallContext {
  const redactor = new Redactor();
  redactor.add(KNOWN_SECRET);
  return {
    method: 'GET',
    url: URL,
    permission: READ_PERMISSION,
    clientRequestId: SENT_ID,
    afterRefresh: false,
    maxResponseBytes: 1000,
    redactor,
    ...overrides,
  };
}

interface Answer {
  status: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** JSON-serialized unless a string. */
  body?: unknown;
}

/** An AxiosError as axios builds it for our client (responseType arraybuffer: a Buffer body). */
function axiosError(
  answer: Answer | undefined,
  options: { code?: string; message?: string; giveUp?: string } = {},
): AxiosError {
  const config = {
    headers: new AxiosHeaders({ Authorization: `Bearer ${A_JWT}` }),
    ...(options.giveUp === undefined
      ? {}
      : {
          todoSyncCall: {
            signal: undefined,
            idempotent: true,
            waitedMs: 0,
            nextDelayMs: 0,
            attempts: 4,
            giveUpReason: options.giveUp,
          },
        }),
  } as InternalAxiosRequestConfig;
  const response =
    answer === undefined
      ? undefined
      : ({
          status: answer.status,
          statusText: answer.statusText ?? '',
          headers: new AxiosHeaders(answer.headers ?? {}),
          data: Buffer.from(
            answer.body === undefined
              ? ''
              : typeof answer.body === 'string'
                ? answer.body
                : JSON.stringify(answer.body),
            'utf8',
          ),
          config,
        } as AxiosResponse);
  return new AxiosError(
    options.message ?? 'Request failed',
    options.code ?? (answer ? 'ERR_BAD_REQUEST' : undefined),
    config,
    {},
    response,
  );
}

const PROBLEM = { 'content-type': 'application/problem+json; charset=utf-8' };
const tail = ` \\(request-id ${SENT_ID}\\)$`;

interface Case {
  name: string;
  err: unknown;
  context?: Partial<ApiCallContext>;
  /** The whole message. */
  message: RegExp;
  status?: number | undefined;
  requestId?: string;
}

const cases: Case[] = [
  {
    name: 'a 401 after a fresh token with neither roles nor scp: admin consent for the read permission',
    err: axiosError({
      status: 401,
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    }),
    context: { afterRefresh: true, tokenClaims: { roles: false, scp: false } },
    message: new RegExp(
      `^The API refused the access token with 401 even after a fresh token \\(GET ${URL}\\): the token carries neither roles nor scp, so the app has no application permission on this API\\. Add the application permission ToDoList\\.Read\\.All \\(or ToDoList\\.ReadWrite\\.All\\) to the daemon's app registration and grant admin consent for it\\.${tail}`,
    ),
    status: 401,
  },
  {
    name: 'the same for a write: names ToDoList.ReadWrite.All only',
    err: axiosError({ status: 401 }),
    context: {
      method: 'POST',
      permission: WRITE_PERMISSION,
      afterRefresh: true,
      tokenClaims: { roles: false, scp: false },
    },
    message: new RegExp(
      `Add the application permission ToDoList\\.ReadWrite\\.All to the daemon's app registration and grant admin consent for it\\.${tail}`,
    ),
    status: 401,
  },
  ...(
    [
      ['roles', { roles: true, scp: false }],
      ['scp', { roles: false, scp: true }],
      ['unreadable claims', undefined],
    ] as const
  ).map(([what, tokenClaims]): Case => ({
    name: `a 401 after a fresh token with ${what}: SCOPES and AUTHORITY`,
    err: axiosError({ status: 401 }),
    context: { afterRefresh: true, tokenClaims },
    message: new RegExp(
      `^The API refused the access token with 401 even after a fresh token \\(GET ${URL}\\): check that SCOPES is this API's application ID URI and AUTHORITY is the tenant the API trusts\\.${tail}`,
    ),
    status: 401,
  })),
  {
    name: 'a 403 with an empty body names the permission',
    err: axiosError({ status: 403, statusText: 'Forbidden' }),
    context: { method: 'POST', permission: WRITE_PERMISSION },
    message: new RegExp(
      `^The API refused POST ${URL} with 403 Forbidden: the app needs the application permission ToDoList\\.ReadWrite\\.All\\. Grant it to the daemon's app registration with admin consent\\.${tail}`,
    ),
    status: 403,
  },
  {
    name: 'a 400 validation problem: title, field errors and traceId',
    err: axiosError({
      status: 400,
      statusText: 'Bad Request',
      headers: PROBLEM,
      body: {
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
        title: 'One or more validation errors occurred.',
        status: 400,
        errors: {
          '$.owner': ['The JSON value could not be converted to System.Guid.', 'Second.'],
          Description: 'The Description field is required.',
        },
        traceId: TRACE_ID,
      },
    }),
    message: new RegExp(
      `^The API failed GET ${URL} with 400 Bad Request\\. The API said \\(traceId ${TRACE_ID}\\): One or more validation errors occurred\\. \\$\\.owner: The JSON value could not be converted to System\\.Guid\\. Second\\. Description: The Description field is required\\.${tail}`,
    ),
    status: 400,
  },
  {
    name: 'a 404 problem with title and detail',
    err: axiosError({
      status: 404,
      statusText: 'Not Found',
      headers: PROBLEM,
      body: { title: 'Not Found', detail: 'No todo 9', status: 404, traceId: TRACE_ID },
    }),
    message: new RegExp(
      `^The API failed GET ${URL} with 404 Not Found\\. The API said \\(traceId ${TRACE_ID}\\): Not Found\\. No todo 9\\.${tail}`,
    ),
    status: 404,
  },
  {
    name: 'a 415 problem with a traceId only',
    err: axiosError({ status: 415, headers: PROBLEM, body: { status: 415, traceId: TRACE_ID } }),
    message: new RegExp(
      `^The API failed GET ${URL} with 415\\. The API said \\(traceId ${TRACE_ID}\\)\\.${tail}`,
    ),
    status: 415,
  },
  {
    name: 'problem members on plain application/json are shown too',
    err: axiosError({
      status: 409,
      headers: { 'content-type': 'application/json' },
      body: { title: 'Conflict' },
    }),
    message: new RegExp(`^The API failed GET ${URL} with 409\\. The API said: Conflict\\.${tail}`),
    status: 409,
  },
  {
    name: 'a body that is not a problem is not shown',
    err: axiosError({
      status: 400,
      headers: { 'content-type': 'text/html' },
      body: '<h1>One or more validation errors occurred.</h1>',
    }),
    message: new RegExp(`^The API failed GET ${URL} with 400\\.${tail}`),
    status: 400,
  },
  {
    name: 'problem+json that is not JSON, or not an object, is not shown',
    err: axiosError({ status: 400, headers: PROBLEM, body: '["title"]' }),
    message: new RegExp(`^The API failed GET ${URL} with 400\\.${tail}`),
    status: 400,
  },
  {
    name: "secrets and tokens in the API's words are redacted, line breaks flattened",
    err: axiosError({
      status: 400,
      headers: PROBLEM,
      body: {
        title: `Bad\r\nforged log line`,
        detail: `token ${A_JWT} and ${KNOWN_SECRET}`,
        errors: { [`field ${KNOWN_SECRET}`]: [`Bearer ${A_JWT}`] },
      },
    }),
    message: new RegExp(
      `^The API failed GET ${URL} with 400\\. The API said: Bad forged log line\\. token \\[REDACTED JWT\\] and \\[REDACTED\\]\\. field \\[REDACTED\\]: Bearer \\[REDACTED JWT\\]${tail}`,
    ),
    status: 400,
  },
  {
    name: 'a 5xx problem is not shown; the retry give-up reason is',
    err: axiosError(
      {
        status: 500,
        statusText: 'Internal Server Error',
        headers: PROBLEM,
        body: { title: 'An error occurred while processing your request.' },
      },
      { giveUp: 'gave up after 4 attempts' },
    ),
    message: new RegExp(
      `^The API failed GET ${URL} with 500 Internal Server Error; gave up after 4 attempts\\.${tail}`,
    ),
    status: 500,
  },
  {
    name: "the API's own request id wins over ours when it sends one",
    err: axiosError({ status: 503, headers: { 'x-ms-request-id': 'server-id-1' } }),
    message: new RegExp(`^The API failed GET ${URL} with 503\\. \\(request-id server-id-1\\)$`),
    status: 503,
    requestId: 'server-id-1',
  },
  {
    name: 'a response over the size cap',
    err: axiosError(undefined, {
      code: 'ERR_BAD_RESPONSE',
      message: 'maxContentLength size of 1000 exceeded',
    }),
    message: new RegExp(
      `^The API's response to GET ${URL} is larger than the 1000 byte cap\\.${tail}`,
    ),
  },
  {
    name: 'a timeout',
    err: axiosError(undefined, { code: 'ECONNABORTED', giveUp: 'no time left' }),
    message: new RegExp(
      `^The API did not answer GET ${URL} in time \\(Request failed\\); no time left\\.${tail}`,
    ),
  },
  {
    name: 'a refused connection',
    err: axiosError(undefined, { code: 'ECONNREFUSED' }),
    message: new RegExp(`^Could not reach the API for GET ${URL}: ECONNREFUSED\\.${tail}`),
  },
  {
    name: 'anything that is not an AxiosError',
    err: new TypeError('boom'),
    message: new RegExp(`^Calling the API failed \\(GET ${URL}\\): boom\\.$`),
  },
];

describe('toApiError', () => {
  for (const c of cases) {
    it(c.name, () => {
      const error = toApiError(c.err, context(c.context));
      assert.ok(error instanceof ApiError);
      assert.match(error.message, c.message);
      assert.equal(error.status, c.status);
      assert.equal(error.method, c.context?.method ?? 'GET');
      assert.equal(error.url, URL);
      if (c.err instanceof AxiosError) assert.equal(error.requestId, c.requestId ?? SENT_ID);
      // An AxiosError holds the request config, Authorization header included.
      assert.equal(error.cause, undefined);
      assert.ok(!error.message.includes(A_JWT));
    });
  }

  it(`caps the API's problem at ${MAX_PROBLEM_CHARS} characters, after redaction`, () => {
    // A secret across the cap: cutting before redacting would leave its first half behind.
    const prefix = `The API said (traceId ${TRACE_ID}): `;
    const detail = `${'x'.repeat(MAX_PROBLEM_CHARS - prefix.length - 10)}${KNOWN_SECRET}${'y'.repeat(5000)}`;
    const error = toApiError(
      axiosError({ status: 400, headers: PROBLEM, body: { detail, traceId: TRACE_ID } }),
      context(),
    );
    const said = /The API said .*$/.exec(error.message.replace(/ \(request-id [^)]+\)$/, ''))?.[0];
    assert.equal(said?.length, MAX_PROBLEM_CHARS);
    assert.ok(said.endsWith('…'));
    assert.ok(said.includes(`(traceId ${TRACE_ID})`), 'the traceId comes before the cap');
    assert.ok(!error.message.includes(KNOWN_SECRET.slice(0, 8)));
  });

  it('does not read a problem body larger than 64 KiB', () => {
    const error = toApiError(
      axiosError({ status: 400, headers: PROBLEM, body: { title: 'T', pad: 'p'.repeat(70_000) } }),
      context(),
    );
    assert.match(error.message, new RegExp(`^The API failed GET ${URL} with 400\\.${tail}`));
  });
});
