import {
  RestError,
  type BlobDownloadResponseParsed,
  type BlobLeaseClient,
  type BlobServiceClient,
  type ContainerClient,
} from '@azure/storage-blob';
import { LockHeldError, StorageError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { RunRecord, Snapshot } from '../sync/syncRecords.js';
import { toStorageError } from './storageErrors.js';
import type { SyncLock, SyncStore } from './syncStore.js';

/** Blob layout inside the sync container. `runs/` is what the retention rule deletes. */
export const BLOB_NAMES = {
  snapshot: 'snapshot/latest.json',
  lastRun: 'status/last-run.json',
  lock: 'locks/sync.lock',
  runRecord: (record: { startedAt: string; runId: string }) =>
    `runs/${record.startedAt.replace(/[:.]/g, '-')}_${record.runId}.json`,
} as const;

/** Leases are finite so a crashed run's lock expires by itself; 60 s is the longest finite lease. */
const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = 20_000;

/** A blob's parsed content and the ETag it had when read or written. */
interface Versioned<T> {
  readonly etag: string | undefined;
  readonly value: T;
}

export interface BlobSyncStoreOptions {
  readonly service: BlobServiceClient;
  readonly containerName: string;
  readonly logger: Logger;
}

export class BlobSyncStore implements SyncStore {
  private readonly container: ContainerClient;
  private readonly logger: Logger;
  private containerReady: Promise<void> | undefined;
  /**
   * The snapshot this process last read or wrote, with the ETag it had then. A warm run
   * revalidates it with a conditional GET (304, no body) instead of downloading and parsing
   * the whole list again; any other writer changes the ETag, so a stale copy is never used.
   */
  private snapshotCache: Versioned<Snapshot> | undefined;

  constructor(options: BlobSyncStoreOptions) {
    this.container = options.service.getContainerClient(options.containerName);
    this.logger = options.logger;
  }

  async readSnapshot(): Promise<Snapshot | undefined> {
    this.snapshotCache = await this.readJson<Snapshot>(
      BLOB_NAMES.snapshot,
      'read the last snapshot',
      this.snapshotCache,
    );
    return this.snapshotCache?.value;
  }

  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    const etag = await this.writeJson(BLOB_NAMES.snapshot, snapshot, 'write the snapshot');
    // What we wrote is what the next run compares with: keep it, keyed by the new ETag.
    this.snapshotCache = { etag, value: snapshot };
  }

  async writeRunRecord(record: RunRecord): Promise<void> {
    // Two independent blobs: writing them side by side saves a round trip's wait per run.
    await Promise.all([
      this.writeJson(BLOB_NAMES.runRecord(record), record, 'write the run record'),
      this.writeJson(BLOB_NAMES.lastRun, record, "write the last run's status"),
    ]);
  }

  async readLastRun(): Promise<RunRecord | undefined> {
    return (await this.readJson<RunRecord>(BLOB_NAMES.lastRun, "read the last run's status"))
      ?.value;
  }

  async acquireLock(): Promise<SyncLock> {
    await this.ensureContainer();
    const blob = this.container.getBlockBlobClient(BLOB_NAMES.lock);
    const lease = blob.getBlobLeaseClient();
    try {
      await lease.acquireLease(LEASE_SECONDS);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) {
        // First run: create the lock blob, unless another instance just did.
        try {
          await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
        } catch (createErr) {
          if (!(createErr instanceof RestError && [409, 412].includes(createErr.statusCode ?? 0))) {
            throw toStorageError(createErr, 'create the lock blob');
          }
        }
        return this.acquireLock();
      }
      if (err instanceof RestError && err.statusCode === 409) throw new LockHeldError();
      throw toStorageError(err, 'acquire the sync lock');
    }
    return this.heldLock(lease);
  }

  private heldLock(lease: BlobLeaseClient): SyncLock {
    let lost: StorageError | undefined;
    const timer = setInterval(() => {
      lease.renewLease().catch((err: unknown) => {
        lost = toStorageError(err, 'renew the sync lock');
        this.logger.warn('lost the sync lock while running', { reason: lost.message });
        clearInterval(timer);
      });
    }, RENEW_EVERY_MS);
    timer.unref();
    return {
      assertHeld: () => {
        if (lost) throw lost;
      },
      release: async () => {
        clearInterval(timer);
        try {
          await lease.releaseLease();
        } catch (err) {
          // The lease expires by itself within 60 s; a failed release only delays the next run.
          this.logger.warn('could not release the sync lock; it expires within 60 s', {
            reason: toStorageError(err, 'release the sync lock').message,
          });
        }
      },
    };
  }

  private ensureContainer(): Promise<void> {
    if (!this.containerReady) {
      const pending = this.container.createIfNotExists().then(
        () => undefined,
        (err: unknown) => {
          this.containerReady = undefined;
          throw toStorageError(err, `create the container "${this.container.containerName}"`);
        },
      );
      this.containerReady = pending;
    }
    return this.containerReady;
  }

  /**
   * GETs a JSON blob in one round trip (downloadToBuffer would first ask for its size).
   * Given a copy with its ETag, the GET is conditional: an unchanged blob answers 304 with no
   * body and the copy is returned as it is. Undefined when there is no such blob.
   */
  private async readJson<T>(
    name: string,
    operation: string,
    cached?: Versioned<T>,
  ): Promise<Versioned<T> | undefined> {
    await this.ensureContainer();
    const ifNoneMatch = cached?.etag;
    let response: BlobDownloadResponseParsed;
    let text: string;
    try {
      response = await this.container
        .getBlobClient(name)
        .download(0, undefined, ifNoneMatch ? { conditions: { ifNoneMatch } } : {});
      text = await readText(response);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 304 && cached) return cached;
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw toStorageError(err, operation);
    }
    try {
      return { value: JSON.parse(text) as T, etag: response.etag };
    } catch {
      throw new StorageError(`Blob Storage holds a corrupt ${name}: it is not valid JSON.`);
    }
  }

  /** Uploads `value` as JSON and returns the blob's new ETag. */
  private async writeJson(
    name: string,
    value: unknown,
    operation: string,
  ): Promise<string | undefined> {
    await this.ensureContainer();
    // Encoded once here: a string body would be scanned for its byte length and encoded again
    // when written to the socket (a few ms for a 10,000-todo snapshot).
    const body = Buffer.from(JSON.stringify(value));
    try {
      const response = await this.container.getBlockBlobClient(name).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return response.etag;
    } catch (err) {
      throw toStorageError(err, operation);
    }
  }
}

/** The body of a download as UTF-8 text (Node: a readable stream). */
async function readText(response: BlobDownloadResponseParsed): Promise<string> {
  const stream = response.readableStreamBody;
  if (!stream) throw new StorageError('Blob Storage answered a download without a body.');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
