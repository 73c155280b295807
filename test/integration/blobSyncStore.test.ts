import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { createLogger } from '../../src/logging/logger.js';
import { BLOB_NAMES, BlobSyncStore } from '../../src/store/blobSyncStore.js';
import type { Snapshot } from '../../src/sync/syncRecords.js';
import { startAzurite, type Azurite } from '../../stack/azurite.js';

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

function snapshot(runId: string, descriptions: string[]): Snapshot {
  const todos = descriptions.map((description, i) => ({ id: i + 1, owner: 'o', description }));
  return {
    schemaVersion: 1,
    runId,
    syncedAt: new Date().toISOString(),
    count: todos.length,
    todos,
  };
}

describe('BlobSyncStore snapshot cache (Azurite)', () => {
  before(async () => {
    azurite = await startAzurite();
    service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  });
  after(async () => {
    await azurite.stop();
  });

  it('answers from the copy it wrote while the blob is unchanged (304)', async () => {
    const { store } = newStores();
    assert.equal(await store.readSnapshot(), undefined);
    const written = snapshot('r1', ['a', 'b']);
    await store.writeSnapshot(written);
    // The very object written: revalidated by ETag, not downloaded and parsed again.
    assert.equal(await store.readSnapshot(), written);
    assert.equal(await store.readSnapshot(), written);
  });

  it('sees what another instance wrote, then caches that', async () => {
    const { store, other } = newStores();
    await store.writeSnapshot(snapshot('r1', ['a']));
    const newer = snapshot('r2', ['a', 'changed elsewhere']);
    await other.writeSnapshot(newer);
    const read = await store.readSnapshot();
    assert.notEqual(read, newer, 'downloaded, not shared');
    assert.deepEqual(read, newer);
    assert.equal(await store.readSnapshot(), read);
  });

  it('forgets its copy when the blob is gone', async () => {
    const { store, container } = newStores();
    await store.writeSnapshot(snapshot('r1', ['a']));
    await service.getContainerClient(container).deleteBlob(BLOB_NAMES.snapshot);
    assert.equal(await store.readSnapshot(), undefined);
  });

  it('reports a corrupt snapshot as a storage error', async () => {
    const { store, container } = newStores();
    await store.writeSnapshot(snapshot('r1', ['a']));
    await service
      .getContainerClient(container)
      .getBlockBlobClient(BLOB_NAMES.snapshot)
      .upload('{not json', 9);
    await assert.rejects(store.readSnapshot(), {
      name: 'StorageError',
      message: /corrupt snapshot\/latest\.json/,
    });
  });

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
    await store.writeRunRecord(record);
    assert.deepEqual(await other.readLastRun(), record);
  });
});
