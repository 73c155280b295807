import {
  RestError,
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

export interface BlobSyncStoreOptions {
  readonly service: BlobServiceClient;
  readonly containerName: string;
  readonly logger: Logger;
}

export class BlobSyncStore implements SyncStore {
  private readonly container: ContainerClient;
  private readonly logger: Logger;
  private containerReady: Promise<void> | undefined;

  constructor(options: BlobSyncStoreOptions) {
    this.container = options.service.getContainerClient(options.containerName);
    this.logger = options.logger;
  }

  async readSnapshot(): Promise<Snapshot | undefined> {
    return this.readJson<Snapshot>(BLOB_NAMES.snapshot, 'read the last snapshot');
  }

  async writeSnapshot(snapshot: Snapshot): Promise<void> {
    await this.writeJson(BLOB_NAMES.snapshot, snapshot, 'write the snapshot');
  }

  async writeRunRecord(record: RunRecord): Promise<void> {
    await this.writeJson(BLOB_NAMES.runRecord(record), record, 'write the run record');
    await this.writeJson(BLOB_NAMES.lastRun, record, "write the last run's status");
  }

  async readLastRun(): Promise<RunRecord | undefined> {
    return this.readJson<RunRecord>(BLOB_NAMES.lastRun, "read the last run's status");
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

  private async readJson<T>(name: string, operation: string): Promise<T | undefined> {
    await this.ensureContainer();
    let text: string;
    try {
      const buffer = await this.container.getBlobClient(name).downloadToBuffer();
      text = buffer.toString('utf8');
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw toStorageError(err, operation);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new StorageError(`Blob Storage holds a corrupt ${name}: it is not valid JSON.`);
    }
  }

  private async writeJson(name: string, value: unknown, operation: string): Promise<void> {
    await this.ensureContainer();
    const body = JSON.stringify(value);
    try {
      await this.container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    } catch (err) {
      throw toStorageError(err, operation);
    }
  }
}
