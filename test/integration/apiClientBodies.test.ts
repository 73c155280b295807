// The API client against a loopback server that answers with bodies no retry can fix (over the
// cap, undecodable, a gzip bomb) or with a failure that never ends (429, 503): each request the
// server gets is counted, so "not retried" and "gave up" are facts about the wire.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { TodoApiClient } from '../../src/api/todoApiClient.js';
import type { RetryPolicy } from '../../src/http/retryPolicy.js';
import type { TokenProvider } from '../../src/core/tokenProvider.js';
import { ApiError } from '../../src/errors.js';
import { Redactor } from '../../src/logging/redact.js';
import { closeServer, listenOnLoopback } from '../../stack/serverLifecycle.js';
import { captureLogger } from '../support/capture.js';

const CAP = 16 * 1024;
const TODOS = [{ id: 1, owner: '3f2b8c1e-9a4d-4e6b-8c7f-1d2e3a4b5c6d', description: 'Milk' }];

/** Short waits, the default's attempt count: the test is about what is retried, not when. */
const FAST_RETRIES: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1,
  maxBackoffMs: 4,
  maxRetryAfterMs: 30_000,
  budgetMs: 30_000,
};

/**
 * The loopback server only counts and answers; it checks no token, so the client is given a
 * fixed one (token acquisition is tested against the local IdP elsewhere).
 */
const fixedToken: TokenProvider = {
  getToken: () =>
    Promise.resolve({ token: 'opaque-test-token', expiresOn: undefined, source: 'cache' }),
};

type Answer = (res: ServerResponse) => void;

const ANSWERS: Readonly<Record<string, Answer>> = {
  '/over-cap': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // Streamed (no Content-Length): the cap must hold on the bytes, not on a header.
    res.write(`[${' '.repeat(CAP)}`);
    res.end(']');
  },
  '/over-cap-declared': (res) => {
    const body = Buffer.from(`[${' '.repeat(CAP * 2)}]`);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  },
  '/bad-gzip': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(Buffer.from('this is not gzip at all, just text that says it is'));
  },
  '/truncated-gzip': (res) => {
    const gz = gzipSync(JSON.stringify(TODOS));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gz.subarray(0, gz.length - 12));
  },
  '/gzip-bomb': (res) => {
    // A few KB on the wire, 64 times the cap once inflated.
    const gz = gzipSync(Buffer.alloc(CAP * 64, 0x20));
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gz);
  },
  '/gzip-ok': (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync(JSON.stringify(TODOS)));
  },
  '/throttled': (res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
    res.end('{}');
  },
  '/unavailable': (res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('busy');
  },
};

let base: string;
let server: ReturnType<typeof createServer>;
const hits = new Map<string, number>();

function client(path: string): { api: TodoApiClient; lines: string[] } {
  const { logger, lines } = captureLogger();
  const api = new TodoApiClient({
    endpoint: `${base}${path}`,
    tokens: fixedToken,
    logger,
    maxResponseBytes: CAP,
    retry: FAST_RETRIES,
    redactor: new Redactor(),
  });
  return { api, lines };
}

async function failure(path: string): Promise<ApiError> {
  const { api } = client(path);
  try {
    await api.listTodos();
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected an ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail(`GET ${path} succeeded`);
}

describe('API client: bodies no retry can fix, failures that never end', () => {
  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      req.resume();
      const answer = ANSWERS[path];
      if (answer) answer(res);
      else res.writeHead(404).end();
    });
    base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  });
  after(async () => {
    await closeServer(server);
  });
  beforeEach(() => {
    hits.clear();
  });

  it('decodes a gzip body under the cap (the decoding path works)', async () => {
    const { api } = client('/gzip-ok');
    assert.deepEqual(await api.listTodos(), TODOS);
    assert.equal(hits.get('/gzip-ok'), 1);
  });

  for (const path of ['/over-cap', '/over-cap-declared']) {
    it(`fails a body over the cap at once, without retrying (${path})`, async () => {
      const err = await failure(path);
      assert.equal(hits.get(path), 1, 'requests the server got');
      assert.match(err.message, new RegExp(`larger than the ${CAP} byte cap`));
    });
  }

  it('fails a gzip bomb at once, without retrying', async () => {
    const err = await failure('/gzip-bomb');
    assert.equal(hits.get('/gzip-bomb'), 1, 'requests the server got');
    assert.match(err.message, new RegExp(`larger than the ${CAP} byte cap`));
  });

  it('fails an undecodable body at once, without retrying', async () => {
    const err = await failure('/bad-gzip');
    assert.equal(hits.get('/bad-gzip'), 1, 'requests the server got');
    assert.match(err.message, /could not be decoded \(Z_DATA_ERROR\)/);
    assert.doesNotMatch(err.message, /with 200/);
  });

  it('fails a truncated gzip body at once, without retrying', async () => {
    // axios inflates leniently (sync flush): what it got of the body is not a whole JSON list.
    const err = await failure('/truncated-gzip');
    assert.equal(hits.get('/truncated-gzip'), 1, 'requests the server got');
    assert.match(err.message, /not valid JSON|could not be decoded/);
  });

  it('says the retries ran out when 429 never ends', async () => {
    const err = await failure('/throttled');
    assert.equal(hits.get('/throttled'), 4, 'requests the server got');
    assert.equal(err.status, 429);
    assert.match(err.message, /429 Too Many Requests; gave up after 4 attempts/);
  });

  it('says the retries ran out when 503 never ends', async () => {
    const err = await failure('/unavailable');
    assert.equal(hits.get('/unavailable'), 4, 'requests the server got');
    assert.match(err.message, /503 Service Unavailable; gave up after 4 attempts/);
  });
});
