import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { createLogger } from '../../src/logging/logger.js';
import { BLOB_NAMES, BlobSyncStore } from '../../src/store/blobSyncStore.js';
import { bodyDigest } from '../../src/core/bodyDigest.js';
import type { Snapshot } from '../../src/core/syncRecords.js';
import { startAzurite, type Azurite } from '../../stack/azurite.js';
import { startCountingProxy } from '../../stack/countingProxy.js';

let azurite: Azurite;
let service: BlobServiceClient;
let containers = 0;

/** A store over a container of its own; a second store on the same container is another instance. */
function newStores(): { store: BlobSyncStore; other: BlobSyncStore; container: string } {
  const container = `store-test-${++containers}`;
  const logger = createLogger(() => undefined);
  return {
    store: new BlobSyncStore({ service, containerName: container, logger }),
    other: new BlobSyncStore({ service, containerName: container, logger }),
    container,
  };
}

/** A snapshot as a run writes it: the body as an API would send it, and what it holds. */
function snapshot(runId: string, descriptions: string[]): { snapshot: Snapshot; body: Buffer } {
  const todos = descriptions.map((description, i) => ({ id: i + 1, owner: 'o', description }));
  const body = Buffer.from(JSON.stringify(todos));
  return {
    snapshot: {
      runId,
      syncedAt: new Date().toISOString(),
      count: todos.length,
      digest: bodyDigest(body),
      todos,
    },
    body,
  };
}

function write(store: BlobSyncStore, written: { snapshot: Snapshot; body: Buffer }) {
  return store.writeSnapshot(written.snapshot, written.body);
}

describe('BlobSyncStore snapshot cache (Azurite)', () => {
  before(async () => {
    azurite = await startAzurite();
    service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  });
  after(async () => {
    await azurite.stop();
  });

  it('stores the body byte for byte, with the run in the metadata', async () => {
    const { store, container } = newStores();
    const written = snapshot('r1', ['a', 'b']);
    await write(store, written);
    const blob = service.getContainerClient(container).getBlobClient(BLOB_NAMES.snapshot);
    assert.deepEqual(await blob.downloadToBuffer(), written.body);
    const props = await blob.getProperties();
    assert.equal(props.contentType, 'application/json');
    assert.deepEqual(props.metadata, {
      snapshotformat: '2',
      runid: 'r1',
      syncedat: written.snapshot.syncedAt,
      count: '2',
    });
  });

  it('under the lock, reads the snapshot only when another instance wrote it since', async () => {
    const proxy = await startCountingProxy(azurite);
    const counted = BlobServiceClient.fromConnectionString(proxy.connectionString);
    const { other, container } = newStores();
    const store = new BlobSyncStore({
      service: counted,
      containerName: container,
      logger: createLogger(() => undefined),
    });
    try {
      let lock = await store.acquireLock();
      const first = snapshot('r1', ['a']);
      const written = await write(store, first);
      await lock.release();

      lock = await store.acquireLock();
      assert.equal(lock.snapshotVersion, written, 'the lease carries the version we wrote');
      let before = proxy.requests();
      assert.deepEqual(await store.readSnapshot(), { version: written, snapshot: first.snapshot });
      assert.equal(proxy.requests() - before, 0, 'the lease showed the copy is current');
      // Only the lock holder writes the snapshot.
      await assert.rejects(write(other, snapshot('r2', ['b'])), {
        name: 'StorageError',
        message: /write the snapshot: 412/,
      });
      await lock.release();

      const second = snapshot('r3', ['c']);
      await write(other, second);
      lock = await store.acquireLock();
      assert.notEqual(lock.snapshotVersion, written, 'another instance wrote since');
      before = proxy.requests();
      assert.deepEqual((await store.readSnapshot()).snapshot, second.snapshot);
      assert.equal(proxy.requests() - before, 1);
      await lock.release();
    } finally {
      await proxy.stop();
    }
  });

  it('answers from the copy it wrote while the blob is unchanged (304)', async () => {
    const { store } = newStores();
    assert.deepEqual(await store.readSnapshot(), { version: undefined, snapshot: undefined });
    const written = snapshot('r1', ['a', 'b']);
    const version = await write(store, written);
    // The copy kept when writing: revalidated by ETag, not downloaded and parsed again.
    const first = await store.readSnapshot();
    assert.deepEqual(first, { version, snapshot: written.snapshot });
    assert.equal(first.snapshot.todos, written.snapshot.todos);
    assert.equal((await store.readSnapshot()).snapshot, first.snapshot);
  });

  it('sees what another instance wrote, then caches that', async () => {
    const { store, other } = newStores();
    await write(store, snapshot('r1', ['a']));
    const newer = snapshot('r2', ['a', 'changed elsewhere']);
    await write(other, newer);
    const read = (await store.readSnapshot()).snapshot;
    assert.notEqual(read?.todos, newer.snapshot.todos, 'downloaded, not shared');
    assert.deepEqual(read, newer.snapshot);
    assert.equal((await store.readSnapshot()).snapshot, read);
  });

  it('reads a format 1 snapshot (one JSON document) without its digest ever matching', async () => {
    const { store, container } = newStores();
    const todos = [{ id: 1, owner: 'o', description: 'a' }];
    const doc = {
      schemaVersion: 1,
      runId: 'old',
      syncedAt: '2026-01-01T00:00:00.000Z',
      count: 1,
      todos,
    };
    const body = Buffer.from(JSON.stringify(doc));
    const blobs = service.getContainerClient(container);
    await blobs.createIfNotExists();
    await blobs.getBlockBlobClient(BLOB_NAMES.snapshot).upload(body, body.length);
    const read = (await store.readSnapshot()).snapshot;
    assert.deepEqual(read?.todos, todos);
    assert.equal(read.runId, 'old');
    assert.equal(read.syncedAt, doc.syncedAt);
    assert.notEqual(read.digest, bodyDigest(Buffer.from(JSON.stringify(todos))));
  });

  it('forgets its copy when the blob is gone', async () => {
    const { store, container } = newStores();
    await write(store, snapshot('r1', ['a']));
    await service.getContainerClient(container).deleteBlob(BLOB_NAMES.snapshot);
    assert.deepEqual(await store.readSnapshot(), { version: undefined, snapshot: undefined });
  });

  for (const [what, content, message] of [
    ['not JSON', '{not json', /corrupt snapshot\/latest\.json: it is not valid JSON/],
    ['not a list', '{"id":1}', /corrupt snapshot\/latest\.json: it is not a todo list/],
    ['a list of something else', '[1]', /corrupt snapshot\/latest\.json: .*item 0/],
  ] as const) {
    it(`reports a snapshot that is ${what} as a storage error`, async () => {
      const { store, container } = newStores();
      await write(store, snapshot('r1', ['a']));
      await service
        .getContainerClient(container)
        .getBlockBlobClient(BLOB_NAMES.snapshot)
        .upload(content, content.length);
      await assert.rejects(store.readSnapshot(), { name: 'StorageError', message });
    });
  }

  it('reads back the last run it recorded', async () => {
    const { store, other } = newStores();
    assert.equal(await store.readLastRun(), undefined);
    const record = {
      schemaVersion: 1 as const,
      status: 'failed' as const,
      runId: 'r1',
      trigger: 'timer' as const,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:01.000Z',
      durationMs: 1000,
      error: { code: 'api', message: 'The API failed.' },
    };
    await store.writeLastRun(record);
    assert.deepEqual(await other.readLastRun(), record);
  });
});
