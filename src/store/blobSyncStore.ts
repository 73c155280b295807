import {
  RestError,
  type BlobDownloadResponseParsed,
  type BlobLeaseClient,
  type BlobServiceClient,
  type Lease,
  type ContainerClient,
} from '@azure/storage-blob';
import { parseJsonBytes } from '../core/jsonBody.js';
import { callWithin } from '../core/boundedSignal.js';
import type { CallOptions } from '../core/callOptions.js';
import type { SyncLock, SyncStore, VersionedSnapshot } from '../core/syncStore.js';
import { LockHeldError, StorageError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { RunRecord, Snapshot } from '../core/syncRecords.js';
import { decodeSnapshot, snapshotMetadata } from './snapshotBlob.js';
import { toStorageError } from './storageErrors.js';

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
/** Each operation's bound, the SDK's own retries included, unless the options set another. */
const DEFAULT_CALL_TIMEOUT_MS = 15_000;

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
  /** The longest one operation may take, the SDK's retries included. */
  readonly callTimeoutMs?: number;
}

export class BlobSyncStore implements SyncStore {
  private readonly container: ContainerClient;
  private readonly logger: Logger;
  private readonly callTimeoutMs: number;
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
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  async readSnapshot(options: CallOptions = {}): Promise<VersionedSnapshot> {
    const name = BLOB_NAMES.snapshot;
    const cached = this.snapshotCache;
    // Under the lease nobody else can write the snapshot, and taking the lease told us its
    // ETag: a copy with that ETag is current without asking again.
    if (cached?.etag !== undefined && cached.etag === this.held?.etag) {
      return { version: cached.etag, snapshot: cached.value };
    }
    const read = await this.readBlob(name, 'read the last snapshot', options, cached?.etag);
    if (read === 'notModified' && cached) return { version: cached.etag, snapshot: cached.value };
    if (read === undefined || read === 'notModified') {
      this.snapshotCache = undefined;
      return { version: undefined, snapshot: undefined };
    }
    const value = decodeSnapshot(name, read.body, read.metadata);
    this.snapshotCache = value && { etag: read.etag, value };
    return { version: read.etag, snapshot: value };
  }

  async writeSnapshot(
    snapshot: Snapshot,
    body: Buffer,
    options: CallOptions = {},
  ): Promise<string | undefined> {
    const etag = await this.upload(BLOB_NAMES.snapshot, body, 'write the snapshot', options, {
      metadata: snapshotMetadata(snapshot),
      leaseId: this.held?.leaseId,
    });
    if (this.held) this.held = { ...this.held, etag };
    // What we wrote is what the next run compares with: keep it (not its bytes), keyed by the
    // new ETag.
    this.snapshotCache = { etag, value: snapshot };
    return etag;
  }

  async writeLastRun(record: RunRecord, options: CallOptions = {}): Promise<void> {
    await this.writeJson(BLOB_NAMES.lastRun, record, "write the last run's status", options);
  }

  async writeRunHistory(record: RunRecord, options: CallOptions = {}): Promise<void> {
    await this.writeJson(BLOB_NAMES.runRecord(record), record, 'write the run record', options);
  }

  async readLastRun(options: CallOptions = {}): Promise<RunRecord | undefined> {
    const name = BLOB_NAMES.lastRun;
    const read = await this.readBlob(name, "read the last run's status", options);
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
  async acquireLock(options: CallOptions = {}): Promise<SyncLock> {
    await this.ensureContainer(options);
    const blob = this.container.getBlockBlobClient(BLOB_NAMES.snapshot);
    const lease = blob.getBlobLeaseClient();
    let taken: Lease;
    try {
      taken = await this.bounded('acquire the sync lock', options, (abortSignal) =>
        lease.acquireLease(LEASE_SECONDS, { abortSignal }),
      );
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) {
        // First run: create the (empty) snapshot blob to lease, unless another instance just did.
        try {
          await this.bounded('create the snapshot blob', options, (abortSignal) =>
            blob.upload('', 0, { conditions: { ifNoneMatch: '*' }, abortSignal }),
          );
        } catch (createErr) {
          if (!(createErr instanceof RestError && [409, 412].includes(createErr.statusCode ?? 0))) {
            throw toStorageError(createErr, 'create the snapshot blob');
          }
        }
        return this.acquireLock(options);
      }
      if (err instanceof RestError && err.statusCode === 409) {
        // Blob Storage does not say how long a lease has left, only that it is held: the full
        // lease is the bound (a crashed holder's lease is gone by then; a live one renews).
        throw new LockHeldError(LEASE_SECONDS);
      }
      throw toStorageError(err, 'acquire the sync lock');
    }
    this.held = { leaseId: taken.leaseId ?? lease.leaseId, etag: taken.etag };
    return this.heldLock(lease, taken.etag);
  }

  private heldLock(lease: BlobLeaseClient, snapshotVersion: string | undefined): SyncLock {
    let lost: StorageError | undefined;
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = this.bounded('renew the sync lock', {}, (abortSignal) =>
        lease.renewLease({ abortSignal }),
      ).catch((err: unknown) => {
        lost = toStorageError(err, 'renew the sync lock');
        this.logger.warn('lost the sync lock while running', { reason: lost.message });
        clearInterval(timer);
      });
    }, RENEW_EVERY_MS);
    timer.unref();
    return {
      snapshotVersion,
      assertHeld: () => {
        if (lost) throw lost;
      },
      release: async () => {
        clearInterval(timer);
        // A renewal under way ends first (within its bound), so none outlives the run.
        await renewing;
        this.held = undefined;
        try {
          await this.bounded('release the sync lock', {}, (abortSignal) =>
            lease.releaseLease({ abortSignal }),
          );
        } catch (err) {
          // The lease expires by itself within 60 s; a failed release only delays the next run.
          this.logger.warn('could not release the sync lock; it expires within 60 s', {
            reason: toStorageError(err, 'release the sync lock').message,
          });
        }
      },
    };
  }

  private ensureContainer(options: CallOptions): Promise<void> {
    if (!this.containerReady) {
      const operation = `create the container "${this.container.containerName}"`;
      const pending = this.bounded(operation, options, (abortSignal) =>
        this.container.createIfNotExists({ abortSignal }),
      ).then(
        () => undefined,
        (err: unknown) => {
          this.containerReady = undefined;
          throw toStorageError(err, operation);
        },
      );
      this.containerReady = pending;
    }
    return this.containerReady;
  }

  /**
   * Runs one SDK operation with an abort signal that fires when the caller's does or when the
   * operation has taken `callTimeoutMs`, whichever is first. The SDK's `tryTimeoutInMs` only asks
   * the server to give up; without this a stalled endpoint would hold the call for ever.
   */
  private bounded<T>(
    operation: string,
    options: CallOptions,
    call: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const seconds = (this.callTimeoutMs / 1000).toString();
    // A call that runs out ends with this error, not the SDK's AbortError: it names the bound.
    return callWithin(
      options.signal,
      this.callTimeoutMs,
      () => new StorageError(`Blob Storage did not ${operation} within ${seconds} s.`),
      call,
    );
  }

  /**
   * GETs a blob in one round trip (downloadToBuffer would first ask for its size). Given the
   * ETag of a copy in hand, the GET is conditional: an unchanged blob answers 304 with no body
   * ('notModified'). Undefined when there is no such blob.
   */
  private async readBlob(
    name: string,
    operation: string,
    options: CallOptions,
    ifNoneMatch?: string,
  ): Promise<BlobContent | 'notModified' | undefined> {
    await this.ensureContainer(options);
    try {
      return await this.bounded(operation, options, async (abortSignal) => {
        const response = await this.container.getBlobClient(name).download(0, undefined, {
          abortSignal,
          ...(ifNoneMatch ? { conditions: { ifNoneMatch } } : {}),
        });
        return {
          etag: response.etag,
          metadata: response.metadata,
          body: await readBody(response, abortSignal),
        };
      });
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 304 && ifNoneMatch) return 'notModified';
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw toStorageError(err, operation);
    }
  }

  /** Uploads `value` as JSON and returns the blob's new ETag. */
  private writeJson(
    name: string,
    value: unknown,
    operation: string,
    options: CallOptions,
  ): Promise<string | undefined> {
    // Encoded once here: a string body would be scanned for its byte length and encoded again
    // when written to the socket.
    return this.upload(name, Buffer.from(JSON.stringify(value)), operation, options);
  }

  /**
   * Uploads a JSON body in one request (under the lease, when given) and returns the blob's
   * new ETag.
   */
  private async upload(
    name: string,
    body: Buffer,
    operation: string,
    options: CallOptions,
    blobOptions: { metadata?: Record<string, string>; leaseId?: string | undefined } = {},
  ): Promise<string | undefined> {
    await this.ensureContainer(options);
    const { metadata, leaseId } = blobOptions;
    try {
      const response = await this.bounded(operation, options, (abortSignal) =>
        this.container.getBlockBlobClient(name).upload(body, body.length, {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          metadata,
          conditions: leaseId ? { leaseId } : undefined,
          abortSignal,
        }),
      );
      return response.etag;
    } catch (err) {
      throw toStorageError(err, operation);
    }
  }
}

/**
 * The body of a download (Node: a readable stream), as one buffer. The stream is destroyed when
 * `signal` aborts, so a body that trickles in ends within the operation's bound too.
 */
async function readBody(
  response: BlobDownloadResponseParsed,
  signal: AbortSignal,
): Promise<Buffer> {
  const stream = response.readableStreamBody;
  if (!stream) throw new StorageError('Blob Storage answered a download without a body.');
  const onAbort = (): void => {
    (stream as NodeJS.ReadableStream & { destroy(error?: Error): void }).destroy(
      signal.reason instanceof Error ? signal.reason : new Error('aborted'),
    );
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
