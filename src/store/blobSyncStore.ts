import {
  RestError,
  type BlobDownloadResponseParsed,
  type BlobLeaseClient,
  type BlobServiceClient,
  type Lease,
  type ContainerClient,
} from '@azure/storage-blob';
import { parseJsonBytes } from '../api/jsonBody.js';
import { LockHeldError, StorageError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { RunRecord, Snapshot } from '../sync/syncRecords.js';
import { decodeSnapshot, snapshotMetadata } from './snapshotBlob.js';
import { toStorageError } from './storageErrors.js';
import type { SyncLock, SyncStore } from './syncStore.js';

/**
 * Blob layout inside the sync container. `runs/` is what the retention rule deletes. The sync
 * lock is a lease on the snapshot blob itself: see acquireLock.
 */
export const BLOB_NAMES = {
  snapshot: 'snapshot/latest.json',
  lastRun: 'status/last-run.json',
  runRecord: (record: { startedAt: string; runId: string }) =>
    `runs/${record.startedAt.replace(/[:.]/g, '-')}_${record.runId}.json`,
} as const;

/** Leases are finite so a crashed run's lock expires by itself; 60 s is the longest finite lease. */
const LEASE_SECONDS = 60;
const RENEW_EVERY_MS = 20_000;

/** A blob's decoded content and the ETag it had when read or written. */
interface Versioned<T> {
  readonly etag: string | undefined;
  readonly value: T;
}

/** A downloaded blob. */
interface BlobContent {
  readonly etag: string | undefined;
  readonly body: Buffer;
  readonly metadata: Readonly<Record<string, string>> | undefined;
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
   * The snapshot this process last read or wrote, with the ETag it had then. Under the lock,
   * the lease's ETag tells whether it is current; otherwise a conditional GET (304, no body)
   * does. Any other writer changes the ETag, so a stale copy is never used.
   */
  private snapshotCache: Versioned<Snapshot> | undefined;
  /** While this store holds the lock: the lease, and the snapshot's ETag when it was taken. */
  private held: { readonly leaseId: string; readonly etag: string | undefined } | undefined;

  constructor(options: BlobSyncStoreOptions) {
    this.container = options.service.getContainerClient(options.containerName);
    this.logger = options.logger;
  }

  hasSnapshotCopy(): boolean {
    return this.snapshotCache !== undefined;
  }

  async readSnapshot(): Promise<Snapshot | undefined> {
    const name = BLOB_NAMES.snapshot;
    const cached = this.snapshotCache;
    // Under the lease nobody else can write the snapshot, and taking the lease told us its
    // ETag: a copy with that ETag is current without asking again.
    if (cached?.etag !== undefined && cached.etag === this.held?.etag) return cached.value;
    const read = await this.readBlob(name, 'read the last snapshot', cached?.etag);
    if (read === 'notModified' && cached) return cached.value;
    if (read === undefined || read === 'notModified') {
      this.snapshotCache = undefined;
      return undefined;
    }
    const value = decodeSnapshot(name, read.body, read.metadata);
    this.snapshotCache = value && { etag: read.etag, value };
    return value;
  }

  async writeSnapshot(snapshot: Snapshot, body: Buffer): Promise<void> {
    const etag = await this.upload(BLOB_NAMES.snapshot, body, 'write the snapshot', {
      metadata: snapshotMetadata(snapshot),
      leaseId: this.held?.leaseId,
    });
    if (this.held) this.held = { ...this.held, etag };
    // What we wrote is what the next run compares with: keep it (not its bytes), keyed by the
    // new ETag.
    this.snapshotCache = { etag, value: snapshot };
  }

  async writeLastRun(record: RunRecord): Promise<void> {
    await this.writeJson(BLOB_NAMES.lastRun, record, "write the last run's status");
  }

  async writeRunHistory(record: RunRecord): Promise<void> {
    await this.writeJson(BLOB_NAMES.runRecord(record), record, 'write the run record');
  }

  async readLastRun(): Promise<RunRecord | undefined> {
    const name = BLOB_NAMES.lastRun;
    const read = await this.readBlob(name, "read the last run's status");
    if (read === undefined || read === 'notModified') return undefined;
    try {
      return parseJsonBytes(read.body) as RunRecord;
    } catch {
      throw new StorageError(`Blob Storage holds a corrupt ${name}: it is not valid JSON.`);
    }
  }

  /**
   * The lock is a 60 s lease on the snapshot blob (created empty on the very first run). While
   * it is held, only the holder can write the snapshot, and the lease's answer carries the
   * snapshot's ETag, which tells whether the copy in memory is still current.
   */
  async acquireLock(): Promise<SyncLock> {
    await this.ensureContainer();
    const blob = this.container.getBlockBlobClient(BLOB_NAMES.snapshot);
    const lease = blob.getBlobLeaseClient();
    let taken: Lease;
    try {
      taken = await lease.acquireLease(LEASE_SECONDS);
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) {
        // First run: create the (empty) snapshot blob to lease, unless another instance just did.
        try {
          await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
        } catch (createErr) {
          if (!(createErr instanceof RestError && [409, 412].includes(createErr.statusCode ?? 0))) {
            throw toStorageError(createErr, 'create the snapshot blob');
          }
        }
        return this.acquireLock();
      }
      if (err instanceof RestError && err.statusCode === 409) {
        // Blob Storage does not say how long a lease has left, only that it is held: the full
        // lease is the bound (a crashed holder's lease is gone by then; a live one renews).
        throw new LockHeldError(LEASE_SECONDS);
      }
      throw toStorageError(err, 'acquire the sync lock');
    }
    this.held = { leaseId: taken.leaseId ?? lease.leaseId, etag: taken.etag };
    const cachedEtag = this.snapshotCache?.etag;
    return this.heldLock(lease, cachedEtag !== undefined && cachedEtag === taken.etag);
  }

  private heldLock(lease: BlobLeaseClient, copyIsCurrent: boolean): SyncLock {
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
      snapshotCopyIsCurrent: copyIsCurrent,
      assertHeld: () => {
        if (lost) throw lost;
      },
      release: async () => {
        clearInterval(timer);
        this.held = undefined;
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
   * GETs a blob in one round trip (downloadToBuffer would first ask for its size). Given the
   * ETag of a copy in hand, the GET is conditional: an unchanged blob answers 304 with no body
   * ('notModified'). Undefined when there is no such blob.
   */
  private async readBlob(
    name: string,
    operation: string,
    ifNoneMatch?: string,
  ): Promise<BlobContent | 'notModified' | undefined> {
    await this.ensureContainer();
    try {
      const response = await this.container
        .getBlobClient(name)
        .download(0, undefined, ifNoneMatch ? { conditions: { ifNoneMatch } } : {});
      return { etag: response.etag, metadata: response.metadata, body: await readBody(response) };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 304 && ifNoneMatch) return 'notModified';
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw toStorageError(err, operation);
    }
  }

  /** Uploads `value` as JSON and returns the blob's new ETag. */
  private writeJson(name: string, value: unknown, operation: string): Promise<string | undefined> {
    // Encoded once here: a string body would be scanned for its byte length and encoded again
    // when written to the socket.
    return this.upload(name, Buffer.from(JSON.stringify(value)), operation);
  }

  /**
   * Uploads a JSON body in one request (under the lease, when given) and returns the blob's
   * new ETag.
   */
  private async upload(
    name: string,
    body: Buffer,
    operation: string,
    options: { metadata?: Record<string, string>; leaseId?: string | undefined } = {},
  ): Promise<string | undefined> {
    await this.ensureContainer();
    const { metadata, leaseId } = options;
    try {
      const response = await this.container.getBlockBlobClient(name).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
        metadata,
        conditions: leaseId ? { leaseId } : undefined,
      });
      return response.etag;
    } catch (err) {
      throw toStorageError(err, operation);
    }
  }
}

/** The body of a download (Node: a readable stream), as one buffer. */
async function readBody(response: BlobDownloadResponseParsed): Promise<Buffer> {
  const stream = response.readableStreamBody;
  if (!stream) throw new StorageError('Blob Storage answered a download without a body.');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
