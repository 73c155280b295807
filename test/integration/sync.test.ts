import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ApiError, LockHeldError } from '../../src/errors.js';
import { createRuntime, type Runtime } from '../../src/runtime/createRuntime.js';
import { BLOB_NAMES } from '../../src/store/blobSyncStore.js';
import type { LocalStack } from '../../stack/localStack.js';
import { captureLogger } from '../support/capture.js';
import { startTestStack } from '../support/stackForTests.js';

let stack: LocalStack;
let blobs: BlobServiceClient;
let containers = 0;

/** A runtime of its own (own MSAL client, own container) so tests do not see each other. */
function newRuntime(container = `sync-test-${++containers}`): {
  runtime: Runtime;
  container: string;
  lines: string[];
} {
  const { logger, lines } = captureLogger();
  const config = loadConfig({ ...stack.settings, SYNC_CONTAINER: container });
  return { runtime: createRuntime(config, { logger }), container, lines };
}

async function readBlob(
  container: string,
  name: string,
): Promise<{ json: unknown; text: string; etag: string }> {
  const client = blobs.getContainerClient(container).getBlobClient(name);
  const props = await client.getProperties();
  const text = (await client.downloadToBuffer()).toString('utf8');
  return { json: JSON.parse(text) as unknown, text, etag: props.etag ?? '' };
}

async function listRuns(container: string): Promise<string[]> {
  const names: string[] = [];
  for await (const blob of blobs.getContainerClient(container).listBlobsFlat({ prefix: 'runs/' })) {
    names.push(blob.name);
  }
  return names;
}

describe('sync against the local stack', () => {
  before(async () => {
    stack = await startTestStack();
    blobs = BlobServiceClient.fromConnectionString(stack.settings.AzureWebJobsStorage ?? '');
  });
  after(async () => {
    await stack.stop();
  });

  it('writes the snapshot, a run record and the last run status, ids as integers', async () => {
    const { runtime, container } = newRuntime();
    const summary = await runtime.sync('cli');
    assert.equal(summary.count, 3);
    assert.deepEqual(summary.added, [1, 2, 3]);
    assert.deepEqual([summary.removed, summary.changed], [[], []]);
    assert.equal(summary.trigger, 'cli');
    const snapshot = await readBlob(container, BLOB_NAMES.snapshot);
    // The API's body as it was sent: the stack's API serializes with JSON.stringify.
    assert.equal(snapshot.text, JSON.stringify(stack.api.todos()));
    // The answer comes once the snapshot, the status and the history record are stored.
    const last = await readBlob(container, BLOB_NAMES.lastRun);
    assert.deepEqual(last.json, {
      schemaVersion: 1,
      status: 'succeeded',
      ...summary,
      lastSuccessAt: summary.finishedAt,
    });
    assert.equal((await listRuns(container)).length, 1);
    assert.deepEqual(await runtime.lastRun(), last.json);
  });

  it('reports no changes on a re-sync and does not rewrite the snapshot', async () => {
    const { runtime, container } = newRuntime();
    await runtime.sync('timer');
    const first = await readBlob(container, BLOB_NAMES.snapshot);
    const again = await runtime.sync('timer');
    assert.deepEqual([again.added, again.removed, again.changed], [[], [], []]);
    assert.equal(again.count, 3);
    assert.equal((await readBlob(container, BLOB_NAMES.snapshot)).etag, first.etag);
    assert.equal((await listRuns(container)).length, 2);
  });

  it('stores a reordered or reformatted list as sent, with no todo reported changed', async () => {
    const { runtime, container } = newRuntime();
    await runtime.sync('timer');
    const first = await readBlob(container, BLOB_NAMES.snapshot);
    const reordered = JSON.stringify([...stack.api.todos()].reverse(), null, 1);
    stack.api.faults.next({ kind: 'malformed', body: reordered, method: 'GET' });
    const summary = await runtime.sync('timer');
    assert.deepEqual([summary.added, summary.removed, summary.changed], [[], [], []]);
    const after = await readBlob(container, BLOB_NAMES.snapshot);
    assert.notEqual(after.etag, first.etag);
    assert.equal(after.text, reordered);
    // Back to the API's own bytes: stored again, still no todo changed.
    const back = await runtime.sync('timer');
    assert.deepEqual([back.added, back.removed, back.changed], [[], [], []]);
    assert.equal((await readBlob(container, BLOB_NAMES.snapshot)).text, first.text);
  });

  it('stores a change in a property beyond owner and description without counting it', async () => {
    const { runtime, container } = newRuntime();
    const withDone = (done: boolean) =>
      JSON.stringify(stack.api.todos().map((t, i) => (i === 1 ? { ...t, done } : t)));
    stack.api.faults.next({ kind: 'malformed', body: withDone(false), method: 'GET' });
    await runtime.sync('timer');
    stack.api.faults.next({ kind: 'malformed', body: withDone(true), method: 'GET' });
    const summary = await runtime.sync('timer');
    assert.deepEqual([summary.added, summary.removed, summary.changed], [[], [], []]);
    assert.equal((await readBlob(container, BLOB_NAMES.snapshot)).text, withDone(true));
  });

  it('uses the GET started with the lock only when nobody wrote the snapshot since', async () => {
    const { runtime, container } = newRuntime();
    const other = newRuntime(container).runtime;
    const gets = () => stack.api.requests().filter((r) => r.method === 'GET').length;
    const seed = stack.api.todos();
    try {
      await runtime.sync('timer');
      const before = gets();
      await runtime.sync('timer');
      assert.equal(gets() - before, 1, 'a warm run makes one GET');

      // Another instance (once this one has released the lock) stores a longer list: this
      // one's early GET may predate that write.
      const added = stack.api.addTodo('Written by the other instance');
      assert.deepEqual((await other.sync('timer')).added, [added.id]);
      // This instance's next GET goes out before its lease and answers the list as it was
      // before that write (as a GET answered just before it would).
      stack.api.faults.next({ kind: 'malformed', body: JSON.stringify(seed), method: 'GET' });
      const summary = await runtime.sync('timer');
      // Used, that list would report the other instance's todo as removed, then store it.
      assert.deepEqual([summary.added, summary.removed, summary.changed], [[], [], []]);
      assert.equal(
        (await readBlob(container, BLOB_NAMES.snapshot)).text,
        JSON.stringify(stack.api.todos()),
      );
    } finally {
      stack.api.setTodos(seed);
    }
  });

  it('shows an added, a changed and a removed todo', async () => {
    const { runtime } = newRuntime();
    const seed = stack.api.todos();
    try {
      await runtime.sync('http');
      const added = stack.api.addTodo('Water the plants');
      const [first, second, ...rest] = seed;
      assert.ok(first && second);
      stack.api.setTodos([{ ...first, description: 'changed' }, ...rest, added]);
      const summary = await runtime.sync('http');
      assert.deepEqual(summary.added, [added.id]);
      assert.deepEqual(summary.changed, [first.id]);
      assert.deepEqual(summary.removed, [second.id]);
    } finally {
      stack.api.setTodos(seed);
    }
  });

  it('takes the second token from the cache: one IdP request for three syncs', async () => {
    const { runtime, lines } = newRuntime();
    const before = stack.idp.tokenRequests();
    for (let i = 0; i < 3; i++) await runtime.sync('timer');
    assert.equal(stack.idp.tokenRequests() - before, 1);
    assert.equal(
      lines.filter((l) => l.includes('token acquired from identity provider')).length,
      1,
    );
    assert.equal(lines.filter((l) => l.includes('token acquired from cache')).length, 2);
  });

  it('fails a malformed body and leaves the last snapshot intact', async () => {
    const { runtime, container } = newRuntime();
    await runtime.sync('timer');
    const good = await readBlob(container, BLOB_NAMES.snapshot);
    stack.api.faults.next({ kind: 'malformed', method: 'GET' });
    await assert.rejects(runtime.sync('timer'), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.match(err.message, /not valid JSON/);
      return true;
    });
    stack.api.faults.next({ kind: 'malformed', body: '[{"id":1}]', method: 'GET' });
    await assert.rejects(runtime.sync('timer'), /not a todo list .*item 0\.owner/);
    const after = await readBlob(container, BLOB_NAMES.snapshot);
    assert.equal(after.etag, good.etag);
    assert.deepEqual(after.json, good.json);
    const last = (await readBlob(container, BLOB_NAMES.lastRun)).json as Record<string, unknown>;
    assert.equal(last.status, 'failed');
    assert.deepEqual(last.error && (last.error as { code: string }).code, 'api');
    assert.equal((await listRuns(container)).length, 3);
  });

  it('honours Retry-After in full before retrying a throttled GET', async () => {
    const { runtime, lines } = newRuntime();
    stack.api.resetRequests();
    stack.api.faults.next({ kind: 'throttle', retryAfter: '1', method: 'GET' });
    await runtime.sync('timer');
    const gets = stack.api.requests().filter((r) => r.method === 'GET');
    assert.deepEqual(
      gets.map((r) => r.status),
      [429, 200],
    );
    const [throttled, retried] = gets;
    assert.ok(throttled && retried);
    assert.ok(retried.at - throttled.at >= 1000, `retried after ${retried.at - throttled.at} ms`);
    assert.ok(
      lines.some((l) => l.includes('API call failed; retrying') && l.includes('status=429')),
    );
  });

  it('retries 5xx and recovers', async () => {
    const { runtime } = newRuntime();
    stack.api.resetRequests();
    stack.api.faults.next({ kind: 'status', status: 503, count: 2, method: 'GET' });
    const summary = await runtime.sync('timer');
    assert.equal(summary.count, 3);
    assert.deepEqual(
      stack.api
        .requests()
        .filter((r) => r.method === 'GET')
        .map((r) => r.status),
      [503, 503, 200],
    );
  });

  it('recovers from one 401 with exactly one fresh token', async () => {
    const { runtime } = newRuntime();
    await runtime.sync('timer');
    const before = stack.idp.tokenRequests();
    stack.api.faults.next({ kind: 'unauthorized', method: 'GET' });
    const summary = await runtime.sync('timer');
    assert.equal(summary.count, 3);
    assert.equal(stack.idp.tokenRequests() - before, 1);
  });

  it('fails when the lock is held by another run, and records nothing', async () => {
    const { runtime, container } = newRuntime();
    await runtime.sync('timer');
    // Answered: its history record is written and its lease released.
    const lease = blobs
      .getContainerClient(container)
      .getBlobClient(BLOB_NAMES.snapshot)
      .getBlobLeaseClient();
    await lease.acquireLease(15);
    try {
      await assert.rejects(runtime.sync('timer'), LockHeldError);
      assert.equal((await listRuns(container)).length, 1);
    } finally {
      await lease.releaseLease();
    }
    await runtime.sync('timer');
  });

  it('releases the lock after a failed run', async () => {
    const { runtime } = newRuntime();
    stack.api.faults.next({ kind: 'malformed', method: 'GET' });
    await assert.rejects(runtime.sync('timer'), ApiError);
    assert.equal((await runtime.sync('timer')).count, 3);
  });
});
