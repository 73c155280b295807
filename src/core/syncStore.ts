import type { CallOptions } from './callOptions.js';
import type { RunRecord, Snapshot } from './syncRecords.js';

/** A held sync lock. It renews itself until released. */
export interface SyncLock {
  /**
   * The stored snapshot's version (its ETag) as of taking the lock. Nobody else can write the
   * snapshot while the lock is held, so a snapshot of this version is current.
   */
  readonly snapshotVersion: string | undefined;
  /** Throws a StorageError when the lock was lost (renewal failed), so no write happens unguarded. */
  assertHeld(): void;
  /** Releases the lock; never throws, and gives up within its own bound (the lock then expires). */
  release(): Promise<void>;
}

/** The stored snapshot and its version; `snapshot` is undefined before the first good run. */
export interface VersionedSnapshot {
  readonly version: string | undefined;
  /** May be the very object an earlier read or write saw: never mutate it. */
  readonly snapshot: Snapshot | undefined;
}

/** Where runs keep their state. Implementations convert their SDK's errors to StorageError. */
export interface SyncStore {
  /** Takes the lock shared by every instance, or throws LockHeldError. */
  acquireLock(options?: CallOptions): Promise<SyncLock>;
  /** The last snapshot; under the lock, a copy of the lock's version is not read again. */
  readSnapshot(options?: CallOptions): Promise<VersionedSnapshot>;
  /**
   * Stores `body` (the API's, already validated) byte for byte as the new snapshot, under the
   * lock; returns the new version.
   */
  writeSnapshot(
    snapshot: Snapshot,
    body: Buffer,
    options?: CallOptions,
  ): Promise<string | undefined>;
  /** Writes the last run's status (what `GET /api/sync` answers). */
  writeLastRun(record: RunRecord, options?: CallOptions): Promise<void>;
  /** Writes the run's own record into the history (`runs/`). */
  writeRunHistory(record: RunRecord, options?: CallOptions): Promise<void>;
  readLastRun(options?: CallOptions): Promise<RunRecord | undefined>;
}
