import type { RunRecord, Snapshot } from '../sync/syncRecords.js';

/** A held sync lock. It renews itself until released. */
export interface SyncLock {
  /**
   * Whether the snapshot is still the one this store last read or wrote, as of taking the
   * lock (nobody else has written it since). False when the store holds no copy.
   */
  readonly snapshotCopyIsCurrent: boolean;
  /** Throws a StorageError when the lock was lost (renewal failed), so no write happens unguarded. */
  assertHeld(): void;
  /** Releases the lock; never throws. */
  release(): Promise<void>;
}

/** Where runs keep their state. Implementations convert their SDK's errors to StorageError. */
export interface SyncStore {
  /** Whether the store holds a copy of the snapshot from an earlier read or write. */
  hasSnapshotCopy(): boolean;
  /** The last snapshot; may be the very object an earlier read or write saw: never mutate it. */
  readSnapshot(): Promise<Snapshot | undefined>;
  /** Stores `body` (the API's, already validated) byte for byte as the new snapshot. */
  writeSnapshot(snapshot: Snapshot, body: Buffer): Promise<void>;
  /** Writes the last run's status (what `GET /api/sync` answers). */
  writeLastRun(record: RunRecord): Promise<void>;
  /** Writes the run's own record into the history (`runs/`). */
  writeRunHistory(record: RunRecord): Promise<void>;
  readLastRun(): Promise<RunRecord | undefined>;
  /** Takes the lock shared by every instance, or throws LockHeldError. */
  acquireLock(): Promise<SyncLock>;
}
