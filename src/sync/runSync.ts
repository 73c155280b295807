import { setImmediate } from 'node:timers/promises';
import type { FetchedTodoList, TodoApi } from '../api/todoApiClient.js';
import { ensureError, TodoSyncError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { SyncLock, SyncStore } from '../store/syncStore.js';
import type { Clock } from './clock.js';
import { bodyDigest } from './bodyDigest.js';
import { diffTodos, type TodoDiff } from './diffTodos.js';
import type { RunRecord, SyncRun, SyncSummary, SyncTrigger } from './syncRecords.js';

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
 * Which GET may be used: one that started after the last snapshot was written. A process that
 * wrote (or read) the snapshot last time starts its GET together with taking the lock, and uses
 * it only if the lock shows that nobody has written the snapshot since; otherwise, and in a
 * process with no copy yet, the GET starts once the lock is held. So a list older than the
 * stored one never overwrites it, and a warm run does not wait for the lock before its GET.
 *
 * A body byte for byte equal to the stored one (same digest) is the list validated when it was
 * stored: it is not parsed again. Any other body is parsed, validated and compared by id, and
 * stored as it was sent, even when no todo changed (its order or formatting did).
 *
 * A success is answered as soon as its data is safe: the snapshot stored (or found unchanged).
 * Its bookkeeping follows in `settled`: the last run's status and the history record, then the
 * lock's release, so the status is still written under the lock. The runtime waits for it
 * before the next run and before reading the status, and the timer before it returns. A
 * failure is answered after all of it.
 */
export async function runSync(deps: SyncDependencies, trigger: SyncTrigger): Promise<SyncRun> {
  const { api, store, clock, logger } = deps;
  const started = clock.now();
  const runId = deps.newRunId();
  const early = store.hasSnapshotCopy() ? startEarlyGet(api) : undefined;
  let lock: SyncLock;
  try {
    // The GET is the long pole: let it go out (its token comes from MSAL's cache without I/O)
    // before the lease request.
    if (early) await setImmediate();
    lock = await store.acquireLock();
  } catch (err) {
    early?.drop();
    throw err;
  }
  logger.info('sync started', { runId, trigger });
  try {
    let fetching: Promise<FetchedTodoList>;
    if (early && lock.snapshotCopyIsCurrent) {
      fetching = early.list;
    } else {
      early?.drop();
      fetching = api.fetchTodoList();
    }
    const [list, previous] = await Promise.all([fetching, store.readSnapshot()]);
    const digest = bodyDigest(list.body);
    const unchanged = previous?.digest === digest;
    let count: number;
    let diff: TodoDiff = { added: [], removed: [], changed: [] };
    if (previous && unchanged) {
      count = previous.count;
    } else {
      const todos = list.parse();
      count = todos.length;
      diff = diffTodos(previous?.todos ?? [], todos);
      lock.assertHeld();
      const syncedAt = clock.now().toISOString();
      await store.writeSnapshot({ runId, syncedAt, count, digest, todos }, list.body);
    }
    const finished = clock.now();
    const summary: SyncSummary = {
      runId,
      trigger,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      count,
      ...diff,
    };
    const record: RunRecord = { schemaVersion: 1, status: 'succeeded', ...summary };
    logger.info('sync succeeded', {
      runId,
      count: summary.count,
      added: diff.added.length,
      removed: diff.removed.length,
      changed: diff.changed.length,
      snapshotWritten: !unchanged,
    });
    // Started on the next turn of the event loop: preparing the uploads (signing included)
    // would otherwise run before the caller gets its answer.
    const settled = setImmediate()
      .then(() => settle(deps, record))
      .finally(() => lock.release());
    return { summary, settled };
  } catch (err) {
    const error = ensureError(err);
    await recordFailure(deps, { runId, trigger, started, error });
    await lock.release();
    throw err;
  }
}

/** A GET started before the lock, which the run may yet drop (aborting it). */
function startEarlyGet(api: TodoApi): { list: Promise<FetchedTodoList>; drop: () => void } {
  const abort = new AbortController();
  const list = api.fetchTodoList({ signal: abort.signal });
  // Handled here so that a dropped GET never surfaces; a used one is awaited by the run.
  list.catch(() => undefined);
  return {
    list,
    drop: () => {
      abort.abort();
    },
  };
}

/** Writes a succeeded run's status and history record; never rejects (failures are logged). */
async function settle({ store, logger }: SyncDependencies, record: RunRecord): Promise<void> {
  const results = await Promise.allSettled([
    store.writeLastRun(record),
    store.writeRunHistory(record),
  ]);
  for (const result of results) {
    if (result.status === 'rejected') {
      logger.warn("could not record the run's success", {
        runId: record.runId,
        reason: ensureError(result.reason).message,
      });
    }
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
    await Promise.all([store.writeLastRun(record), store.writeRunHistory(record)]);
  } catch (writeErr) {
    // Storage may be what failed; the original error is the one to report.
    logger.warn('could not write the failure record', { reason: ensureError(writeErr).message });
  }
}
