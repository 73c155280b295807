import type { CallOptions } from '../../src/core/callOptions.js';
import type { SyncLock, SyncStore, VersionedSnapshot } from '../../src/core/syncStore.js';
import type { RunRecord, Snapshot } from '../../src/core/syncRecords.js';
import { LockHeldError, StorageError } from '../../src/errors.js';

type Operation =
  | 'acquireLock'
  | 'readSnapshot'
  | 'writeSnapshot'
  | 'writeLastRun'
  | 'writeRunHistory'
  | 'readLastRun'
  | 'release';

/** What the next call of an operation does instead of its work. */
type Fault = { kind: 'fail'; message: string } | { kind: 'hang' };

/**
 * The SyncStore port in memory, for unit tests of the sync: one lock (held or not), a versioned
 * snapshot only the lock holder may write, records, and faults to inject per operation. A hung
 * operation ends only when its caller's signal aborts, as a stalled real peer does under a
 * deadline; `aborted` counts the calls an abort ended, `inFlight` the calls not ended yet. The
 * lock's release gives up after `releaseTimeoutMs`, as the real one does (the lease then expires).
 */
export class InMemorySyncStore implements SyncStore {
  snapshot: { version: string; snapshot: Snapshot; body: Buffer } | undefined;
  lastRun: RunRecord | undefined;
  readonly history: RunRecord[] = [];
  /** Held by this store's caller, by "another instance", or free. */
  lock: 'free' | 'ours' | 'theirs' = 'free';
  /** Every call, in order. */
  readonly calls: Operation[] = [];
  aborted = 0;
  inFlight = 0;
  releaseTimeoutMs = 1_000;
  private version = 0;
  private readonly faults = new Map<Operation, Fault>();
  private lockLost = false;
  private loseLockAt: Operation | undefined;

  /** The next call of `operation` does `fault` instead. */
  failNext(operation: Operation, message = `${operation} failed`): void {
    this.faults.set(operation, { kind: 'fail', message });
  }

  hangNext(operation: Operation): void {
    this.faults.set(operation, { kind: 'hang' });
  }

  /** The held lock is lost (as when its renewal fails) once `operation` is next called. */
  loseLockOn(operation: Operation): void {
    this.loseLockAt = operation;
  }

  /** Drops the faults not played yet (a run may end before it reaches their operation). */
  clearFaults(): void {
    this.faults.clear();
    this.loseLockAt = undefined;
  }

  /** Another instance writes a snapshot (changing its version). */
  writtenElsewhere(snapshot: Snapshot, body: Buffer): void {
    this.snapshot = { version: this.nextVersion(), snapshot, body };
  }

  async acquireLock(options: CallOptions = {}): Promise<SyncLock> {
    await this.enter('acquireLock', options);
    if (this.lock !== 'free') throw new LockHeldError(60);
    this.lock = 'ours';
    this.lockLost = false;
    return {
      snapshotVersion: this.snapshot?.version,
      assertHeld: () => {
        if (this.lockLost) throw new StorageError('lost the sync lock while running');
      },
      release: async () => {
        const bound = new AbortController();
        const timer = setTimeout(() => {
          bound.abort();
        }, this.releaseTimeoutMs);
        try {
          await this.enter('release', { signal: bound.signal });
        } catch {
          // A release never throws; the lock would expire by itself.
          return;
        } finally {
          clearTimeout(timer);
        }
        if (this.lock === 'ours') this.lock = 'free';
      },
    };
  }

  async readSnapshot(options: CallOptions = {}): Promise<VersionedSnapshot> {
    await this.enter('readSnapshot', options);
    return { version: this.snapshot?.version, snapshot: this.snapshot?.snapshot };
  }

  async writeSnapshot(
    snapshot: Snapshot,
    body: Buffer,
    options: CallOptions = {},
  ): Promise<string | undefined> {
    await this.enter('writeSnapshot', options);
    if (this.lock !== 'ours' || this.lockLost) {
      throw new StorageError('write the snapshot: 412 (the lease is not ours)');
    }
    const version = this.nextVersion();
    this.snapshot = { version, snapshot, body };
    return version;
  }

  async writeLastRun(record: RunRecord, options: CallOptions = {}): Promise<void> {
    await this.enter('writeLastRun', options);
    this.lastRun = record;
  }

  async writeRunHistory(record: RunRecord, options: CallOptions = {}): Promise<void> {
    await this.enter('writeRunHistory', options);
    const at = this.history.findIndex((r) => r.runId === record.runId);
    if (at >= 0) this.history[at] = record;
    else this.history.push(record);
  }

  async readLastRun(options: CallOptions = {}): Promise<RunRecord | undefined> {
    await this.enter('readLastRun', options);
    return this.lastRun;
  }

  private nextVersion(): string {
    this.version += 1;
    return `"v${this.version.toString()}"`;
  }

  /** Records the call and plays its fault, if any; a turn of the event loop, like real I/O. */
  private async enter(operation: Operation, options: CallOptions): Promise<void> {
    this.inFlight += 1;
    try {
      await this.play(operation, options);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async play(operation: Operation, { signal }: CallOptions): Promise<void> {
    this.calls.push(operation);
    if (this.loseLockAt === operation) {
      this.loseLockAt = undefined;
      this.lockLost = true;
    }
    const fault = this.faults.get(operation);
    this.faults.delete(operation);
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) {
      this.aborted += 1;
      throw new StorageError(`${operation}: aborted`);
    }
    if (fault?.kind === 'fail') throw new StorageError(fault.message);
    if (fault?.kind === 'hang') {
      await new Promise<void>((_resolve, reject) => {
        if (!signal) return;
        signal.addEventListener(
          'abort',
          () => {
            this.aborted += 1;
            reject(new StorageError(`${operation}: aborted`));
          },
          { once: true },
        );
      });
    }
  }
}
