import type { TodoApi } from '../api/todoApiClient.js';
import { ensureError, TodoSyncError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { SyncStore } from '../store/syncStore.js';
import type { Clock } from './clock.js';
import { diffTodos } from './diffTodos.js';
import type { RunRecord, SyncSummary, SyncTrigger } from './syncRecords.js';

export interface SyncDependencies {
  readonly api: TodoApi;
  readonly store: SyncStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newRunId: () => string;
}

/**
 * One sync: take the lock, GET the list, compare with the last snapshot, store the new
 * snapshot (only when it changed) and a run record. A failed run writes a failure record and
 * leaves the last snapshot untouched. A held lock throws LockHeldError and records nothing.
 *
 * The GET starts only once the lock is held: a GET made before it could be older than the
 * snapshot another instance writes just before releasing, and would overwrite it. Under the
 * lock, the GET and the revalidation of the last snapshot run side by side.
 */
export async function runSync(deps: SyncDependencies, trigger: SyncTrigger): Promise<SyncSummary> {
  const { api, store, clock, logger } = deps;
  const started = clock.now();
  const runId = deps.newRunId();
  const lock = await store.acquireLock();
  logger.info('sync started', { runId, trigger });
  try {
    const [todos, previous] = await Promise.all([api.listTodos(), store.readSnapshot()]);
    const diff = diffTodos(previous?.todos ?? [], todos);
    const unchanged =
      previous !== undefined && diff.added.length + diff.removed.length + diff.changed.length === 0;
    lock.assertHeld();
    if (!unchanged) {
      await store.writeSnapshot({
        schemaVersion: 1,
        runId,
        syncedAt: clock.now().toISOString(),
        count: todos.length,
        todos,
      });
    }
    const finished = clock.now();
    const summary: SyncSummary = {
      runId,
      trigger,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      count: todos.length,
      ...diff,
    };
    await store.writeRunRecord({ schemaVersion: 1, status: 'succeeded', ...summary });
    logger.info('sync succeeded', {
      runId,
      count: summary.count,
      added: diff.added.length,
      removed: diff.removed.length,
      changed: diff.changed.length,
      snapshotWritten: !unchanged,
    });
    return summary;
  } catch (err) {
    const error = ensureError(err);
    await recordFailure(deps, { runId, trigger, started, error });
    throw err;
  } finally {
    await lock.release();
  }
}

async function recordFailure(
  { store, clock, logger }: SyncDependencies,
  run: { runId: string; trigger: SyncTrigger; started: Date; error: Error },
): Promise<void> {
  const finished = clock.now();
  const record: RunRecord = {
    schemaVersion: 1,
    status: 'failed',
    runId: run.runId,
    trigger: run.trigger,
    startedAt: run.started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - run.started.getTime(),
    error: {
      code: run.error instanceof TodoSyncError ? run.error.code : 'internal',
      message: run.error.message,
    },
  };
  logger.error('sync failed', { runId: run.runId, reason: run.error.message });
  try {
    await store.writeRunRecord(record);
  } catch (writeErr) {
    // Storage may be what failed; the original error is the one to report.
    logger.warn('could not write the failure record', { reason: ensureError(writeErr).message });
  }
}
