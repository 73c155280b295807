// The protected ToDoListAPI on loopback HTTPS: the same contract and authorization rules as the
// Microsoft identity sample's API, plus fault switches and a request log for tests.
import { randomUUID } from 'node:crypto';
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
  /** A string is sent as is; anything else is serialized as JSON. */
  body?: unknown;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const invalidToken = (description: string): HttpError =>
  new HttpError(401, description, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${description.replace(/"/g, "'")}"`,
  });

function rolesOf(claims: JWTPayload): string[] {
  const roles = claims.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

/** Reads at most 1 MB: larger bodies get 413 before they are buffered. */
async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'request body larger than 1 MB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body larger than 1 MB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseTodoInput(text: string): { description: string; owner?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'body must be a JSON object');
  }
  const { description, owner } = parsed as Record<string, unknown>;
  if (typeof description !== 'string' || description.trim() === '') {
    throw new HttpError(400, 'description must be a non-empty string');
  }
  if (owner !== undefined && typeof owner !== 'string') {
    throw new HttpError(400, 'owner must be a string');
  }
  return owner === undefined ? { description } : { description, owner };
}

function faultReply(fault: ApiFault): Reply | undefined {
  switch (fault.kind) {
    case 'status':
      return { status: fault.status, body: { error: 'injected fault', status: fault.status } };
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
      return {
        status: 401,
        headers: invalidToken('token rejected (injected fault)').headers,
        body: { error: 'invalid_token', message: 'token rejected (injected fault)' },
      };
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

  async function authorize(req: IncomingMessage, needWrite: boolean): Promise<JWTPayload> {
    const header = req.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    const token = match?.[1];
    if (token === undefined) throw invalidToken('no bearer token');
    let claims: JWTPayload;
    try {
      claims = await verify(token);
    } catch (error) {
      throw invalidToken(error instanceof Error ? error.message : 'token verification failed');
    }
    const roles = rolesOf(claims);
    const allowed = needWrite
      ? roles.includes(WRITE_ROLE)
      : READ_ROLES.some((r) => roles.includes(r));
    if (!allowed) {
      const needed = needWrite ? WRITE_ROLE : READ_ROLES.join(' or ');
      throw new HttpError(403, `the token lacks the application permission ${needed}`);
    }
    return claims;
  }

  function findTodo(id: number): Todo {
    const todo = items.get(id);
    if (!todo) throw new HttpError(404, `todo ${id} not found`);
    return todo;
  }

  async function route(req: IncomingMessage, method: string, path: string): Promise<Reply> {
    const collection = path === BASE_PATH || path === `${BASE_PATH}/`;
    const itemMatch = /^\/api\/todolist\/(\d+)$/.exec(path);
    if (!collection && !itemMatch) throw new HttpError(404, `no route for ${path}`);

    const allowedMethods = collection ? ['GET', 'POST'] : ['GET', 'PUT', 'DELETE'];
    if (!allowedMethods.includes(method)) {
      throw new HttpError(405, `${method} not allowed`, { allow: allowedMethods.join(', ') });
    }
    const claims = await authorize(req, method !== 'GET');

    if (collection && method === 'GET') {
      // One serialization per request: lists of 100,000 items stay cheap.
      return { status: 200, body: JSON.stringify([...items.values()]) };
    }
    if (collection) {
      const input = parseTodoInput(await readBody(req));
      const caller = [claims.oid, claims.azp, claims.sub].find((c) => typeof c === 'string');
      const todo = addTodo(input.description, input.owner ?? caller ?? SEED_OWNER);
      return { status: 201, headers: { location: `${BASE_PATH}/${todo.id}` }, body: todo };
    }

    const id = Number(itemMatch?.[1]);
    if (method === 'GET') return { status: 200, body: findTodo(id) };
    if (method === 'DELETE') {
      findTodo(id);
      items.delete(id);
      return { status: 204 };
    }
    const input = parseTodoInput(await readBody(req));
    const todo = findTodo(id);
    todo.description = input.description;
    if (input.owner !== undefined) todo.owner = input.owner;
    return { status: 200, body: { ...todo } };
  }

  function send(res: ServerResponse, reply: Reply): void {
    const body =
      reply.body === undefined
        ? undefined
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    const headers: Record<string, string | number> = { ...reply.headers };
    if (body !== undefined) {
      headers['content-type'] ??= 'application/json; charset=utf-8';
      headers['content-length'] = Buffer.byteLength(body);
    }
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'https://127.0.0.1').pathname;
    const record: RecordedRequest = { method, path, status: 0, at: Date.now() };
    if (req.headers.authorization !== undefined) record.authorization = req.headers.authorization;
    requestLog.push(record);
    res.setHeader('x-ms-request-id', randomUUID());
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
      send(res, { status: error.status, headers: error.headers, body: { error: error.message } });
    }
  }

  const { key, cert } = opts.ca.issueServerCert();
  const server = createServer({ key, cert }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Kept, not printed: the stack stays quiet and tests can assert there were none.
      serverErrors.push(error);
      if (!res.headersSent) {
        send(res, { status: 500, body: { error: 'internal error in the local ToDo API' } });
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
