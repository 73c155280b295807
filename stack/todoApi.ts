// The protected ToDoListAPI on loopback HTTPS: the same contract, authorization rules and answers
// as the Microsoft identity sample's API (ASP.NET Core with Microsoft.Identity.Web, checked
// against the real one: see ../shared/notes/azure-pitfalls.md), plus fault switches and a
// request log for tests.
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { setTimeout as delay } from 'node:timers/promises';
import type { JWTPayload } from 'jose';
import { createAccessTokenVerifier } from './accessTokenVerifier.js';
import { FaultQueue } from './faults.js';
import type { ApiFault, FaultSwitches } from './faults.js';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import type { LocalCa } from './tls.js';

export type { ApiFault, FaultSwitches } from './faults.js';

export interface Todo {
  id: number;
  owner: string;
  description: string;
}

export interface TodoApiOptions {
  ca: LocalCa;
  port?: number;
  issuer: string;
  jwksUri: string;
  audience: string;
  seed?: Todo[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** 0 when the socket was reset without a response. */
  status: number;
  at: number;
  /** The raw Authorization header, for token refresh and leak tests. */
  authorization?: string;
  /** The W3C trace context the client sent, for the telemetry tests. */
  traceparent?: string;
}

export interface TodoApi {
  /** `https://127.0.0.1:<port>/api/todolist` */
  endpoint: string;
  port: number;
  faults: FaultSwitches;
  requests(): RecordedRequest[];
  todos(): Todo[];
  setTodos(list: Todo[]): void;
  addTodo(description: string, owner?: string): Todo;
  resetRequests(): void;
  /** Unexpected errors in the API itself (answered with 500). */
  serverErrors(): unknown[];
  stop(): Promise<void>;
}

export const READ_ROLES = ['ToDoList.Read.All', 'ToDoList.ReadWrite.All'] as const;
export const WRITE_ROLE = 'ToDoList.ReadWrite.All';
/** The sample's delegated scopes (`scp`), for tokens a user's app would send. */
const READ_SCOPES = ['ToDoList.Read', 'ToDoList.ReadWrite'] as const;
const WRITE_SCOPE = 'ToDoList.ReadWrite';
/** What the sample stores as the owner of an app's todo posted without one. */
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
/** System.Text.Json's Guid ("D" format), the type of the sample's `owner`. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const BASE_PATH = '/api/todolist';
const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MALFORMED_BODY = '{"not":"an array"';
/** Owner of the seeded items: an object id as Entra would put in `oid`. */
const SEED_OWNER = '3f2b8c1e-9a4d-4e6b-8c7f-1d2e3a4b5c6d';

export const DEFAULT_SEED: readonly Todo[] = [
  { id: 1, owner: SEED_OWNER, description: 'Pick up groceries' },
  { id: 2, owner: SEED_OWNER, description: 'Finish the quarterly report' },
  { id: 3, owner: SEED_OWNER, description: 'Book a dentist appointment' },
];

/** A handler's answer; the server writes it (or drops the socket for `reset`). */
interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else is serialized as JSON; none is an empty body. */
  body?: unknown;
}

/** An answer other than success, thrown from a handler. */
class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/** ASP.NET Core's client error mapping (ApiBehaviorOptions): the RFC 9110 section per status. */
const PROBLEM_TYPES: Readonly<Record<number, string>> = {
  400: '15.5.1',
  401: '15.5.2',
  403: '15.5.4',
  404: '15.5.5',
  405: '15.5.6',
  406: '15.5.7',
  408: '15.5.9',
  409: '15.5.10',
  412: '15.5.13',
  415: '15.5.16',
  422: '15.5.21',
  500: '15.6.1',
};

/** A W3C trace id, as ASP.NET Core puts into `traceId`. */
const traceId = (): string =>
  `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;

/**
 * ASP.NET Core's RFC 9457 answer for a status (`application/problem+json` with a `traceId`);
 * `members` add or replace members (a validation problem's title and `errors`).
 */
function problem(status: number, members: Record<string, unknown> = {}): Reply {
  const section = PROBLEM_TYPES[status];
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: {
      ...(section ? { type: `https://tools.ietf.org/html/rfc9110#section-${section}` } : {}),
      title:
        status === 500
          ? 'An error occurred while processing your request.'
          : (STATUS_CODES[status] ?? 'Error'),
      status,
      ...members,
      traceId: typeof members.traceId === 'string' ? members.traceId : traceId(),
    },
  };
}

/** A model validation failure: 400 with the field errors, keyed as ASP.NET Core keys them. */
function validationProblem(errors: Record<string, string[]>): HttpError {
  return new HttpError(
    problem(400, {
      type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
      title: 'One or more validation errors occurred.',
      errors,
    }),
  );
}

/** 401 from the JWT bearer handler: `WWW-Authenticate` says why, the body is empty. */
const unauthorized = (challenge: string): HttpError =>
  new HttpError({ status: 401, headers: { 'www-authenticate': challenge } });

/** A bad token: the bearer handler names the validation failure. */
const invalidToken = (description: string): HttpError =>
  unauthorized(
    `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  );

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((r): r is string => typeof r === 'string') : [];
}

function scopesOf(claims: JWTPayload): string[] {
  return typeof claims.scp === 'string' ? claims.scp.split(' ').filter((s) => s !== '') : [];
}

/** Reads at most 1 MB: larger bodies get Kestrel's empty 413 before they are buffered. */
async function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = new HttpError({ status: 413 });
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The media types ASP.NET Core's JSON input formatter reads; any other body is a 415. */
function isJsonRequest(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return (
    type === 'application/json' || type === 'text/json' || /^application\/[\w.-]+\+json$/.test(type)
  );
}

/**
 * Binds a ToDo from a request body as the sample's model binding does: `owner` is a Guid (any
 * other value is a 400 keyed `$.owner`), `description` a required string.
 */
function parseTodoInput(text: string): { description: string; owner?: string } {
  if (text.trim() === '') {
    throw validationProblem({ '': ['A non-empty request body is required.'] });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validationProblem({ $: ['The input is not valid JSON. Path: $ | LineNumber: 0.'] });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validationProblem({
      $: ['The JSON value could not be converted to ToDoListAPI.Models.ToDo. Path: $.'],
    });
  }
  const { description, owner } = parsed as Record<string, unknown>;
  if (owner !== undefined && (typeof owner !== 'string' || !GUID.test(owner))) {
    throw validationProblem({
      '$.owner': ['The JSON value could not be converted to System.Guid. Path: $.owner.'],
    });
  }
  if (description !== undefined && typeof description !== 'string') {
    throw validationProblem({
      '$.description': [
        'The JSON value could not be converted to System.String. Path: $.description.',
      ],
    });
  }
  if (description === undefined || description.trim() === '') {
    throw validationProblem({ Description: ['The Description field is required.'] });
  }
  // A Guid comes back in lower case, whatever case it was sent in.
  return owner === undefined ? { description } : { description, owner: owner.toLowerCase() };
}

function faultReply(fault: ApiFault): Reply | undefined {
  switch (fault.kind) {
    case 'status':
      return problem(fault.status, fault.problem);
    case 'throttle':
      return {
        status: 429,
        headers: { 'retry-after': fault.retryAfter },
        body: { error: 'too many requests' },
      };
    case 'malformed':
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: fault.body ?? DEFAULT_MALFORMED_BODY,
      };
    case 'unauthorized':
      return invalidToken('The token is not valid (injected fault).').reply;
    case 'slow':
    case 'reset':
    case 'stall':
      return undefined;
  }
}

export async function startTodoApi(opts: TodoApiOptions): Promise<TodoApi> {
  const verify = createAccessTokenVerifier({
    issuer: opts.issuer,
    jwksUri: opts.jwksUri,
    audience: opts.audience,
    caCertPem: opts.ca.caCertPem,
  });
  const faults = new FaultQueue();
  let requestLog: RecordedRequest[] = [];
  const serverErrors: unknown[] = [];
  let items = new Map<number, Todo>();
  let nextId = 1;

  const setTodos = (list: readonly Todo[]): void => {
    items = new Map(
      list.map((t) => [t.id, { id: t.id, owner: t.owner, description: t.description }]),
    );
    nextId = list.reduce((max, t) => Math.max(max, t.id), 0) + 1;
  };
  setTodos(opts.seed ?? DEFAULT_SEED);

  const addTodo = (description: string, owner = SEED_OWNER): Todo => {
    const todo = { id: nextId, owner, description };
    nextId += 1;
    items.set(todo.id, todo);
    return { ...todo };
  };

  /**
   * Microsoft.Identity.Web's order: no token is a bare `Bearer` challenge; a token that fails
   * validation names why; a valid token with neither `roles` nor `scp` is 401 `invalid_token`
   * without a description (what an app without admin consent gets); a token whose roles or
   * scopes do not fit the call is 403 with an empty body and no challenge.
   */
  async function authorize(req: IncomingMessage, needWrite: boolean): Promise<JWTPayload> {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) throw unauthorized('Bearer');
    let claims: JWTPayload;
    try {
      claims = await verify(token);
    } catch (error) {
      throw invalidToken(error instanceof Error ? error.message : 'token verification failed');
    }
    const roles = stringsOf(claims.roles);
    const scopes = scopesOf(claims);
    if (roles.length === 0 && scopes.length === 0)
      throw unauthorized('Bearer error="invalid_token"');
    const allowed = needWrite
      ? roles.includes(WRITE_ROLE) || scopes.includes(WRITE_SCOPE)
      : READ_ROLES.some((r) => roles.includes(r)) || READ_SCOPES.some((s) => scopes.includes(s));
    if (!allowed) throw new HttpError({ status: 403 });
    return claims;
  }

  /** The owner of a posted todo: a user's own object id, else the body's, else the empty GUID. */
  function ownerFor(claims: JWTPayload, requested: string | undefined): string {
    if (scopesOf(claims).length > 0 && typeof claims.oid === 'string') return claims.oid;
    return requested ?? EMPTY_GUID;
  }

  function findTodo(id: number): Todo {
    const todo = items.get(id);
    if (!todo) throw new HttpError(problem(404));
    return todo;
  }

  async function readTodoInput(
    req: IncomingMessage,
  ): Promise<{ description: string; owner?: string }> {
    if (!isJsonRequest(req)) throw new HttpError(problem(415));
    return parseTodoInput(await readBody(req));
  }

  async function route(req: IncomingMessage, method: string, path: string): Promise<Reply> {
    const collection = path === BASE_PATH || path === `${BASE_PATH}/`;
    const itemMatch = /^\/api\/todolist\/(\d+)$/.exec(path);
    // No endpoint matches: routing answers before any controller, with an empty body.
    if (!collection && !itemMatch) throw new HttpError({ status: 404 });

    const allowedMethods = collection ? ['GET', 'POST'] : ['GET', 'PUT', 'DELETE'];
    if (!allowedMethods.includes(method)) {
      throw new HttpError({ status: 405, headers: { allow: allowedMethods.join(', ') } });
    }
    const claims = await authorize(req, method !== 'GET');

    if (collection && method === 'GET') {
      // One serialization per request: lists of 100,000 items stay cheap.
      return { status: 200, body: JSON.stringify([...items.values()]) };
    }
    if (collection) {
      const input = await readTodoInput(req);
      const todo = addTodo(input.description, ownerFor(claims, input.owner));
      return { status: 201, headers: { location: `${BASE_PATH}/${todo.id}` }, body: todo };
    }

    const id = Number(itemMatch?.[1]);
    if (method === 'GET') return { status: 200, body: findTodo(id) };
    if (method === 'DELETE') {
      findTodo(id);
      items.delete(id);
      // Ok() without a value: 200 and an empty body, not 204.
      return { status: 200 };
    }
    const input = await readTodoInput(req);
    const todo = findTodo(id);
    todo.description = input.description;
    if (input.owner !== undefined) todo.owner = input.owner;
    return { status: 200, body: { ...todo } };
  }

  function send(res: ServerResponse, reply: Reply): void {
    const body =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const headers: Record<string, string | number> = { ...reply.headers };
    if (body !== '') headers['content-type'] ??= 'application/json; charset=utf-8';
    headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
    const record: RecordedRequest = { method, path, status: 0, at: Date.now() };
    if (req.headers.authorization !== undefined) record.authorization = req.headers.authorization;
    if (typeof req.headers.traceparent === 'string') record.traceparent = req.headers.traceparent;
    requestLog.push(record);
    // No x-ms-request-id: the real API sends none, so clients name a call by their own id.
    res.on('finish', () => {
      record.status = res.statusCode;
    });

    const fault = faults.take(method);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall') {
      faults.stall(req, res, fault);
      return;
    }
    if (fault?.kind === 'slow') {
      // Give up waiting if the client went away or the server stopped.
      const gone = new AbortController();
      res.once('close', () => {
        gone.abort();
      });
      try {
        await delay(fault.delayMs, undefined, { signal: gone.signal });
      } catch {
        return;
      }
    }
    const injected = fault ? faultReply(fault) : undefined;
    if (injected) {
      send(res, injected);
      return;
    }

    try {
      send(res, await route(req, method, path));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      // After a 413 Node's server discards the unread rest of the body, so the connection stays usable.
      send(res, error.reply);
    }
  }

  const { key, cert } = opts.ca.issueServerCert();
  const server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Kept, not printed: the stack stays quiet and tests can assert there were none.
      serverErrors.push(error);
      if (!res.headersSent) {
        // An unhandled exception in production ASP.NET Core: 500 with an empty body.
        send(res, { status: 500 });
      }
    });
  });
  const port = await listenOnLoopback(server, opts.port);

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `https://127.0.0.1:${port}${BASE_PATH}`,
    port,
    faults,
    requests: () => requestLog.map((r) => ({ ...r })),
    todos: () => [...items.values()].map((t) => ({ ...t })),
    setTodos,
    addTodo,
    resetRequests() {
      requestLog = [];
    },
    serverErrors: () => [...serverErrors],
    stop() {
      faults.clear();
      stopped ??= closeServer(server);
      return stopped;
    },
  };
}
