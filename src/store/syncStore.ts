import type { RunRecord, Snapshot } from '../sync/syncRecords.js';

/** A held sync lock. It renews itself until released. */
export interface SyncLock {
  /** Throws a StorageError when the lock was lost (renewal failed), so no write happens unguarded. */
  assertHeld(): void;
  /** Releases the lock; never throws. */
  release(): Promise<void>;
}

/** Where runs keep their state. Implementations convert their SDK's errors to StorageError. */
export interface SyncStore {
  /** The last snapshot; may be the very object an earlier read or write saw: never mutate it. */
  readSnapshot(): Promise<Snapshot | undefined>;
  writeSnapshot(snapshot: Snapshot): Promise<void>;
  /** Writes the run's own record and the last run's status. */
  writeRunRecord(record: RunRecord): Promise<void>;
  readLastRun(): Promise<RunRecord | undefined>;
  /** Takes the lock shared by every instance, or throws LockHeldError. */
  acquireLock(): Promise<SyncLock>;
}
