import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpResponseInit } from '@azure/functions';
import { setTimeout as delay } from 'node:timers/promises';
import { BlobServiceClient, RestError, type BlobLeaseClient } from '@azure/storage-blob';
import { BLOB_NAMES } from '../../src/store/blobSyncStore.js';
import type { LocalStack } from '../../stack/localStack.js';
import { bodyText, newInvocation, syncRequest, timerInfo } from '../support/capture.js';
import { startTestStack } from '../support/stackForTests.js';
import { importHandlers, TEST_TARGET, type Handlers } from '../support/testTarget.js';

let stack: LocalStack;
let handlers: Handlers;

/**
 * Takes the sync lock as another instance would once it is free: a POST answers before its
 * run has released the lease (see runSync), so the lease may still be held for a moment.
 */
async function takeLockWhenFree(lease: BlobLeaseClient): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await lease.acquireLease(15);
      return;
    } catch (err) {
      if (!(err instanceof RestError && err.statusCode === 409) || attempt === 100) throw err;
      await delay(20);
    }
  }
}

function header(response: HttpResponseInit, name: string): string | undefined {
  return (response.headers as Record<string, string> | undefined)?.[name];
}

function problem(response: HttpResponseInit): Record<string, unknown> {
  return JSON.parse(bodyText(response)) as Record<string, unknown>;
}

describe(`function handlers (${TEST_TARGET}) against the local stack`, () => {
  before(async () => {
    stack = await startTestStack();
    // The process runtime reads the environment once, like the Functions worker.
    Object.assign(process.env, stack.settings, { SYNC_CONTAINER: 'handlers' });
    handlers = await importHandlers();
  });
  after(async () => {
    await stack.stop();
  });

  it('GET /api/sync answers 404 before the first run', async () => {
    const { context } = newInvocation('syncTodos');
    const response = await handlers.syncTodos(syncRequest('GET'), context);
    assert.equal(response.status, 404);
    assert.equal(
      (response.headers as Record<string, string>)['Content-Type'],
      'application/problem+json',
    );
    assert.equal(problem(response).status, 404);
  });

  it('POST /api/sync runs a sync, ignores its body and returns the summary itself', async () => {
    const { context, lines } = newInvocation('syncTodos');
    const response = await handlers.syncTodos(syncRequest('POST', '{"anything": true}'), context);
    assert.equal(response.status, 200);
    const summary = response.jsonBody as Record<string, unknown>;
    assert.equal(summary.trigger, 'http');
    assert.equal(summary.count, 3);
    assert.deepEqual(summary.added, [1, 2, 3]);
    for (const key of ['runId', 'startedAt', 'finishedAt', 'durationMs', 'removed', 'changed']) {
      assert.ok(key in summary, key);
    }
    assert.ok(
      lines.some((l) => l.includes('sync succeeded')),
      'core logs reach the invocation',
    );
    const get = await handlers.syncTodos(syncRequest('GET'), newInvocation('syncTodos').context);
    assert.equal(get.status, 200);
    assert.deepEqual(get.jsonBody, {
      schemaVersion: 1,
      status: 'succeeded',
      ...summary,
      lastSuccessAt: summary.finishedAt,
    });
  });

  it('50 concurrent POSTs share one run: one upstream GET', async () => {
    stack.api.resetRequests();
    // A slow API keeps the first run in flight while the others arrive.
    stack.api.faults.next({ kind: 'slow', delayMs: 300, method: 'GET' });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        handlers.syncTodos(syncRequest('POST'), newInvocation('syncTodos').context),
      ),
    );
    assert.ok(responses.every((r) => r.status === 200));
    const runIds = new Set(responses.map((r) => (r.jsonBody as { runId: string }).runId));
    assert.equal(runIds.size, 1);
    assert.equal(stack.api.requests().filter((r) => r.method === 'GET').length, 1);
  });

  it('answers 409 while another instance holds the lock, and the timer skips', async () => {
    const blobs = BlobServiceClient.fromConnectionString(stack.settings.AzureWebJobsStorage ?? '');
    const lease = blobs
      .getContainerClient('handlers')
      .getBlobClient(BLOB_NAMES.snapshot)
      .getBlobLeaseClient();
    await takeLockWhenFree(lease);
    try {
      const { context, lines } = newInvocation('syncTodos');
      const response = await handlers.syncTodos(syncRequest('POST'), context);
      assert.equal(response.status, 409);
      assert.match(String(problem(response).detail), /another sync is running/);
      // Another instance at work is no fault of this one: not an error line.
      assert.ok(
        lines.some((l) => l.includes('409')),
        lines.join('\n'),
      );
      assert.ok(!lines.some((l) => l.startsWith('error')), lines.join('\n'));
      // Blob Storage does not tell a lease's remaining time: the whole lease is the bound.
      assert.equal(header(response, 'Retry-After'), '60');
      const timerRun = newInvocation('syncTodosTimer');
      await handlers.syncTodosTimer(timerInfo(), timerRun.context);
      assert.ok(timerRun.lines.some((l) => l.includes('skipped: another sync holds the lock')));
      assert.ok(timerRun.lines.some((l) => l.includes('isPastDue=false')));
    } finally {
      await lease.releaseLease();
    }
  });

  it('answers 502 when the API keeps failing, and the timer rethrows', async () => {
    // More failures than the client's 4 attempts, cleared after each use: a GET the previous
    // test started early and aborted (its run met the held lock) may still reach the API after
    // this is queued, and take one of them.
    const keepFailing = () => {
      stack.api.faults.next({ kind: 'status', status: 500, count: 8, method: 'GET' });
    };
    keepFailing();
    const response = await handlers.syncTodos(
      syncRequest('POST'),
      newInvocation('syncTodos').context,
    );
    assert.equal(response.status, 502);
    const body = problem(response);
    assert.equal(body.type, 'urn:todo-sync:problem:api');
    assert.match(String(body.detail), /failed GET .* with 500/);
    stack.api.faults.clear();
    keepFailing();
    const timerRun = newInvocation('syncTodosTimer');
    await assert.rejects(handlers.syncTodosTimer(timerInfo(), timerRun.context), /with 500/);
    assert.ok(timerRun.lines.some((l) => l.startsWith('error: timer sync failed')));
    stack.api.faults.clear();
  });

  it('answers 503 when no token can be had', async () => {
    // The cached token is refused once; the fresh one is refused too (a 400 is not transient,
    // so it is not retried: a 500 would be).
    stack.api.faults.next({ kind: 'unauthorized', method: 'GET' });
    stack.idp.failNextTokenRequests(1, 400);
    const response = await handlers.syncTodos(
      syncRequest('POST'),
      newInvocation('syncTodos').context,
    );
    assert.equal(response.status, 503);
    assert.match(String(problem(response).detail), /Could not get a token/);
    assert.equal(header(response, 'Retry-After'), '60');
  });
});
