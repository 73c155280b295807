// Checks the local stack with the real clients the product uses (MSAL Node, axios,
// @azure/storage-blob). Trust in the local CA comes only from NODE_EXTRA_CA_CERTS set by runTests:
// nothing here passes a CA to a client or relaxes TLS verification.
import assert from 'node:assert/strict';
import { generateKeyPair } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { BlobServiceClient, RestError } from '@azure/storage-blob';
import axios from 'axios';
import type { AxiosResponse } from 'axios';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestStack } from '../support/stackForTests.js';
import type { LocalStack } from '../support/stackForTests.js';

const SCOPE = 'api://todo-sync-local-api/.default';
const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
const READ_WRITE = ['ToDoList.Read.All', 'ToDoList.ReadWrite.All'];

let stack: LocalStack;

function msalApp(clientSecret = stack.clientSecret): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: stack.clientId,
      authority: stack.idp.authority,
      knownAuthorities: [`127.0.0.1:${stack.idp.port}`],
      clientSecret,
    },
  });
}

async function freshToken(): Promise<string> {
  const result = await msalApp().acquireTokenByClientCredential({ scopes: [SCOPE] });
  assert.ok(result, 'MSAL returned no result');
  return result.accessToken;
}

/** Any status is a result here: the tests look at statuses rather than catch errors. */
function call(
  method: string,
  token: string | undefined,
  opts: { url?: string; data?: unknown; headers?: Record<string, string> } = {},
): Promise<AxiosResponse<unknown>> {
  return axios.request<unknown>({
    method,
    url: opts.url ?? stack.api.endpoint,
    data: opts.data,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...opts.headers,
    },
    validateStatus: () => true,
    // Keep the raw body: malformed-body faults must arrive as sent.
    transformResponse: (body: unknown) => body,
    responseType: 'text',
  });
}

function json(response: AxiosResponse<unknown>): unknown {
  assert.equal(typeof response.data, 'string');
  return JSON.parse(response.data as string);
}

/** Asserts an ASP.NET Core problem answer (RFC 9457 with a traceId) and returns its body. */
function problemOf(response: AxiosResponse<unknown>, status: number): Record<string, unknown> {
  assert.equal(response.status, status);
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
  const body = json(response) as Record<string, unknown>;
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.match(String(body.traceId), TRACE_ID);
  return body;
}

/** Asserts an answer with an empty body and no challenge or request id of the API's own. */
function assertEmpty(response: AxiosResponse<unknown>, status: number): void {
  assert.equal(response.status, status);
  assert.equal(response.data, '');
  assert.equal(response.headers['content-length'], '0');
  assert.equal(response.headers['x-ms-request-id'], undefined);
}

void describe('the local stack', () => {
  before(async () => {
    stack = await startTestStack();
  });

  after(async () => {
    await stack.stop();
  });

  void it('the stack starts with the settings the product reads', () => {
    const { settings } = stack;
    assert.equal(settings.CLIENT_ID, stack.clientId);
    assert.equal(settings.AUTHORITY, stack.idp.authority);
    assert.equal(settings.CLIENT_SECRET, stack.clientSecret);
    assert.equal(settings.API_ENDPOINT, stack.api.endpoint);
    assert.equal(settings.SCOPES, 'api://todo-sync-local-api');
    assert.equal(settings.AzureWebJobsStorage, stack.azurite.connectionString);
    assert.equal(settings.SYNC_CONTAINER, 'todo-sync');
    assert.equal(settings.SYNC_SCHEDULE, '0 */15 * * * *');
    assert.match(stack.idp.authority, /^https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}$/);
    assert.equal(stack.idp.issuer, `${stack.idp.authority}/v2.0`);
    assert.match(stack.api.endpoint, /^https:\/\/127\.0\.0\.1:\d+\/api\/todolist$/);
  });

  void it('discovery is served under <authority>/v2.0 and names the issuer', async () => {
    const response = await axios.get<{ issuer: string; token_endpoint: string; jwks_uri: string }>(
      `${stack.idp.issuer}/.well-known/openid-configuration`,
    );
    assert.equal(response.data.issuer, stack.idp.issuer);
    assert.equal(response.data.jwks_uri, stack.idp.jwksUri);
    assert.ok(response.data.token_endpoint.startsWith(`${stack.idp.issuer}/`));
  });

  void it('MSAL gets an Entra-shaped app token by client credentials, then serves it from cache', async () => {
    const app = msalApp();
    const before = stack.idp.tokenRequests();
    const first = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
    assert.ok(first);
    assert.equal(first.fromCache, false);
    assert.equal(stack.idp.tokenRequests(), before + 1);

    const second = await app.acquireTokenByClientCredential({ scopes: [SCOPE] });
    assert.ok(second);
    assert.equal(second.fromCache, true);
    assert.equal(second.accessToken, first.accessToken);
    assert.equal(stack.idp.tokenRequests(), before + 1);
    assert.ok(stack.idp.issuedTokens().includes(first.accessToken));

    assert.equal(decodeProtectedHeader(first.accessToken).alg, 'RS256');
    const claims = decodeJwt(first.accessToken);
    assert.equal(claims.iss, stack.idp.issuer);
    assert.equal(claims.aud, 'api://todo-sync-local-api');
    assert.deepEqual(claims.roles, READ_WRITE);
    assert.equal(claims.idtyp, 'app');
    assert.equal(claims.tid, stack.idp.tenantId);
    assert.equal(claims.azp, stack.clientId);
    assert.equal(claims.appid, stack.clientId);
    assert.equal((claims.exp ?? 0) - (claims.iat ?? 0), 3600);
  });

  void it('a wrong client secret is an invalid_client error from MSAL', async () => {
    await assert.rejects(
      msalApp('not-the-secret').acquireTokenByClientCredential({ scopes: [SCOPE] }),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.match(error.message, /invalid_client/);
        return true;
      },
    );
  });

  void it('the token endpoint answers a wrong secret with 401 invalid_client', async () => {
    const response = await axios.post<{ error: string }>(
      `${stack.idp.issuer}/token`,
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: stack.clientId,
        client_secret: 'not-the-secret',
        scope: SCOPE,
      }),
      { validateStatus: () => true },
    );
    assert.equal(response.status, 401);
    assert.equal(response.data.error, 'invalid_client');
  });

  void it('secret rotation: the old secret is rejected, the new one works', async () => {
    const oldSecret = stack.clientSecret;
    const newSecret = 'rotated-secret-for-this-test';
    stack.idp.setClientSecret(stack.clientId, newSecret);
    try {
      await assert.rejects(
        msalApp(oldSecret).acquireTokenByClientCredential({ scopes: [SCOPE] }),
        /invalid_client/,
      );
      const result = await msalApp(newSecret).acquireTokenByClientCredential({ scopes: [SCOPE] });
      assert.ok(result?.accessToken);
    } finally {
      stack.idp.setClientSecret(stack.clientId, oldSecret);
    }
  });

  void it('injected token endpoint failures come first, then tokens again', async () => {
    stack.idp.failNextTokenRequests(1, 503);
    const before = stack.idp.tokenRequests();
    await assert.rejects(msalApp().acquireTokenByClientCredential({ scopes: [SCOPE] }));
    assert.equal(stack.idp.tokenRequests(), before + 1);
    assert.ok(await freshToken());
  });

  void it('the API returns the seeded todos for a valid token, with integer ids and no request id', async () => {
    const token = await freshToken();
    const response = await call('GET', token);
    assert.equal(response.status, 200);
    // Microsoft's ToDoListAPI sends no x-ms-request-id: the client's own id names the call.
    assert.equal(response.headers['x-ms-request-id'], undefined);
    const todos = json(response) as { id: number; owner: string; description: string }[];
    assert.deepEqual(
      todos.map((t) => t.id),
      [1, 2, 3],
    );
    assert.equal(todos[0]?.description, 'Pick up groceries');
    const last = stack.api.requests().at(-1);
    assert.equal(last?.status, 200);
    assert.equal(last.authorization, `Bearer ${token}`);
  });

  void it('no token and a forged token are 401 with an empty body, as the JWT bearer handler answers', async () => {
    const noToken = await call('GET', undefined);
    assertEmpty(noToken, 401);
    assert.equal(noToken.headers['www-authenticate'], 'Bearer');

    // Same claims and kid as a real token, signed by a key the IdP never published.
    const real = await freshToken();
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(decodeJwt(real))
      .setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(real).kid ?? 'kid' })
      .sign(privateKey);
    const forgedResponse = await call('GET', forged);
    assertEmpty(forgedResponse, 401);
    assert.match(
      String(forgedResponse.headers['www-authenticate']),
      /^Bearer error="invalid_token", error_description="/,
    );
  });

  void it('a token with neither roles nor scp (no admin consent) is 401 invalid_token without a description', async () => {
    stack.idp.setRoles(stack.clientId, []);
    try {
      const token = await freshToken();
      const claims = decodeJwt(token);
      assert.ok(!('roles' in claims), 'Entra leaves roles out when none is granted');
      assert.ok(!('scp' in claims));
      for (const [method, data] of [
        ['GET', undefined],
        ['POST', { description: 'x' }],
      ] as const) {
        const response = await call(method, token, { data });
        assertEmpty(response, 401);
        assert.equal(response.headers['www-authenticate'], 'Bearer error="invalid_token"');
      }
    } finally {
      stack.idp.setRoles(stack.clientId, READ_WRITE);
    }
  });

  void it('roles that do not fit the call are 403 with an empty body and no challenge', async () => {
    stack.idp.setRoles(stack.clientId, ['Some.Other.Role']);
    try {
      const noRole = await call('GET', await freshToken());
      assertEmpty(noRole, 403);
      assert.equal(noRole.headers['www-authenticate'], undefined);

      stack.idp.setRoles(stack.clientId, ['ToDoList.Read.All']);
      const readOnly = await freshToken();
      assert.equal((await call('GET', readOnly)).status, 200);
      const write = await call('POST', readOnly, { data: { description: 'x' } });
      assertEmpty(write, 403);
      assert.equal(write.headers['www-authenticate'], undefined);
    } finally {
      stack.idp.setRoles(stack.clientId, READ_WRITE);
    }
  });

  void it('create, read, replace and delete one todo; an app posting no owner gets the empty GUID', async () => {
    const token = await freshToken();
    const created = await call('POST', token, { data: { description: 'Water the plants' } });
    assert.equal(created.status, 201);
    const todo = json(created) as { id: number; owner: string; description: string };
    assert.equal(todo.description, 'Water the plants');
    assert.equal(typeof todo.id, 'number');
    assert.equal(todo.owner, EMPTY_GUID, 'an app token posting no owner stores the empty GUID');
    const url = `${stack.api.endpoint}/${todo.id}`;
    assert.equal(created.headers.location, `/api/todolist/${todo.id}`);

    assert.deepEqual(json(await call('GET', token, { url })), todo);
    const replaced = await call('PUT', token, { url, data: { description: 'Water the cactus' } });
    assert.equal(replaced.status, 200);
    assert.equal((json(replaced) as { description: string }).description, 'Water the cactus');
    assertEmpty(await call('DELETE', token, { url }), 200);
    problemOf(await call('GET', token, { url }), 404);
    problemOf(await call('DELETE', token, { url }), 404);
    assert.ok(!stack.api.todos().some((t) => t.id === todo.id));

    // An owner given as a GUID is kept, in the lower case .NET writes it in.
    const owner = '3F2B8C1E-9A4D-4E6B-8C7F-1D2E3A4B5C6D';
    const owned = await call('POST', token, { data: { description: 'Owned', owner } });
    assert.equal(owned.status, 201);
    assert.equal((json(owned) as { owner: string }).owner, owner.toLowerCase());

    const huge = await call('POST', token, { data: { description: 'x'.repeat(1024 * 1024 + 1) } });
    assertEmpty(huge, 413);
  });

  void it('errors are application/problem+json with a traceId: 400 for a non-GUID owner, 404, 415', async () => {
    const token = await freshToken();
    const before = stack.api.todos().length;

    const badOwner = problemOf(
      await call('POST', token, { data: { description: 'x', owner: 'not-a-guid' } }),
      400,
    );
    assert.equal(badOwner.title, 'One or more validation errors occurred.');
    const errors = badOwner.errors as Record<string, string[]>;
    assert.deepEqual(Object.keys(errors), ['$.owner']);
    assert.match(errors['$.owner']?.[0] ?? '', /could not be converted to System\.Guid/);
    const numericOwner = problemOf(
      await call('POST', token, { data: { description: 'x', owner: 42 } }),
      400,
    );
    assert.ok('$.owner' in (numericOwner.errors as object));
    assert.equal(stack.api.todos().length, before, 'nothing is stored from a refused POST');

    const missingResponse = await call('GET', token, { url: `${stack.api.endpoint}/999` });
    assert.equal(problemOf(missingResponse, 404).title, 'Not Found');
    assert.equal(missingResponse.headers['x-ms-request-id'], undefined);

    const plainText = problemOf(
      await call('POST', token, {
        data: '{"description":"x"}',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
    );
    assert.equal(plainText.title, 'Unsupported Media Type');
  });

  void it('fault switches: throttle, status, malformed, unauthorized once, reset, slow', async () => {
    const token = await freshToken();

    stack.api.faults.next({ kind: 'throttle', retryAfter: '2' });
    const throttled = await call('GET', token);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '2');

    stack.api.faults.next({ kind: 'status', status: 503, count: 2 });
    assert.equal((await call('GET', token)).status, 503);
    assert.equal((await call('GET', token)).status, 503);
    assert.equal((await call('GET', token)).status, 200);

    // A status fault answers as ASP.NET Core would; `problem` adds members.
    stack.api.faults.next({ kind: 'status', status: 409, problem: { detail: 'injected' } });
    const conflict = problemOf(await call('GET', token), 409);
    assert.equal(conflict.title, 'Conflict');
    assert.equal(conflict.detail, 'injected');

    stack.api.faults.next({ kind: 'malformed' });
    const malformed = await call('GET', token);
    assert.equal(malformed.status, 200);
    assert.equal(malformed.data, '{"not":"an array"');

    stack.api.faults.next({ kind: 'unauthorized' });
    const rejected = await call('GET', token);
    assertEmpty(rejected, 401);
    assert.match(String(rejected.headers['www-authenticate']), /invalid_token/);
    assert.equal((await call('GET', token)).status, 200);

    // A fault for POST leaves GETs alone.
    stack.api.faults.next({ kind: 'status', status: 500, method: 'POST' });
    assert.equal((await call('GET', token)).status, 200);
    assert.equal((await call('POST', token, { data: { description: 'y' } })).status, 500);

    stack.api.faults.next({ kind: 'reset' });
    await assert.rejects(call('GET', token), (error: unknown) => {
      assert.ok(axios.isAxiosError(error));
      assert.match(String(error.code), /ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED/);
      return true;
    });

    stack.api.faults.next({ kind: 'slow', delayMs: 300 });
    const started = Date.now();
    assert.equal((await call('GET', token)).status, 200);
    assert.ok(Date.now() - started >= 290, 'the slow fault delays the answer');

    assert.deepEqual(stack.api.faults.pending(), []);
    const statuses = stack.api.requests().map((r) => r.status);
    assert.ok(statuses.includes(0), 'a reset is recorded with status 0');
  });

  void it('a list of 100,000 todos comes back whole', async () => {
    const token = await freshToken();
    const seed = stack.api.todos();
    stack.api.setTodos(
      Array.from({ length: 100_000 }, (_, i) => ({
        id: i + 1,
        owner: 'bulk-owner',
        description: `Todo number ${i + 1}`,
      })),
    );
    try {
      const response = await call('GET', token);
      assert.equal(response.status, 200);
      const todos = json(response) as unknown[];
      assert.equal(todos.length, 100_000);
    } finally {
      stack.api.setTodos(seed);
    }
  });

  void it('Azurite: container, blob round trip, and a second lease is refused with 409', async () => {
    const service = BlobServiceClient.fromConnectionString(stack.azurite.connectionString);
    const container = service.getContainerClient('stack-check');
    await container.create();
    const blob = container.getBlockBlobClient('checkpoint.json');
    const content = JSON.stringify({ lastSync: 'now' });
    await blob.upload(content, Buffer.byteLength(content));
    const downloaded = await blob.downloadToBuffer();
    assert.equal(downloaded.toString('utf8'), content);

    await blob.getBlobLeaseClient().acquireLease(15);
    await assert.rejects(blob.getBlobLeaseClient().acquireLease(15), (error: unknown) => {
      assert.ok(error instanceof RestError);
      assert.equal(error.statusCode, 409);
      return true;
    });
  });
});
