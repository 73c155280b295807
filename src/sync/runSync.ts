import { setImmediate } from 'node:timers/promises';
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { bodyDigest } from '../core/bodyDigest.js';
import { callWithin } from '../core/boundedSignal.js';
import type { Clock } from '../core/clock.js';
import { NO_RUN_METRICS, TELEMETRY_SCOPE, type RunMetrics } from '../core/runTelemetry.js';
import type { SyncLock, SyncStore } from '../core/syncStore.js';
import type { RunRecord, SyncSummary, SyncTrigger } from '../core/syncRecords.js';
import type { FetchedTodoList, TodoApi } from '../core/todoApi.js';
import { ensureError, StorageError, TodoSyncError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { diffTodos, type TodoDiff } from './diffTodos.js';
import { canUseEarlyFetch } from './earlyFetch.js';
import { RunDeadline } from './runDeadline.js';

/** How long a run may take. */
export interface SyncLimits {
  /** The whole run: lock, token, API, snapshot and records. */
  readonly runBudgetMs: number;
  /** The setting that sets `runBudgetMs`, named when the budget runs out. */
  readonly runBudgetSetting: string;
  /**
   * Writing a failed run's record once the run has ended (its budget may be spent): a failure
   * is recorded even when the run timed out. The lock's release has its own bound (the store's).
   */
  readonly cleanupBudgetMs: number;
}

export interface SyncDependencies {
  readonly api: TodoApi;
  readonly store: SyncStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newRunId: () => string;
  readonly limits: SyncLimits;
  /** Where finished runs are counted (default: nowhere). */
  readonly metrics?: RunMetrics;
}

export interface SyncRequest {
  readonly trigger: SyncTrigger;
  /**
   * The snapshot version this process last read or wrote, if any: when the lock shows it is
   * still current, a GET started before the lock may be used (see canUseEarlyFetch).
   */
  readonly knownSnapshotVersion: string | undefined;
}

export interface SyncOutcome {
  readonly summary: SyncSummary;
  /** The snapshot version the run ended with (read or written): the next run's known version. */
  readonly snapshotVersion: string | undefined;
}

/**
 * One sync: take the lock, GET the list, compare with the last snapshot, store the new
 * snapshot (only when it changed), store the run's status and history record, release the lock,
 * and only then answer. So an answer (HTTP, CLI, timer) means everything is stored, and nothing
 * of the run is left running after it. A failed run stores a failure record and releases the
 * lock before it throws; the snapshot is untouched unless the run had stored its (validated)
 * list before failing to store its records. A held lock throws LockHeldError and records nothing
 * (the run that holds it records its own outcome).
 *
 * The run has a time budget (`limits.runBudgetMs`) passed as one AbortSignal to every call; when
 * it runs out, the run fails with a RunTimeoutError naming what it was waiting for.
 *
 * A warm process starts its GET together with taking the lock and uses it only if the lock shows
 * that nobody has written the snapshot since this process last saw it; otherwise the GET starts
 * once the lock is held. So a list older than the stored one never overwrites it.
 *
 * A body byte for byte equal to the stored one (same digest) is the list validated when it was
 * stored: it is not parsed again. Any other body is parsed, validated and compared by id, and
 * stored as it was sent, even when no todo changed (its order or formatting did).
 */
export async function runSync(deps: SyncDependencies, request: SyncRequest): Promise<SyncOutcome> {
  // One span per run, child of whatever is active (the invocation's trace): every token
  // request, API call and storage operation of the run is a child of it. Without an
  // OpenTelemetry SDK the API hands out a no-op span.
  return trace
    .getTracer(TELEMETRY_SCOPE)
    .startActiveSpan(
      'todo-sync.sync',
      { attributes: { 'todo_sync.trigger': request.trigger } },
      async (span) => {
        const deadline = new RunDeadline(deps.limits.runBudgetMs, deps.limits.runBudgetSetting);
        const metrics = deps.metrics ?? NO_RUN_METRICS;
        const started = deps.clock.now().getTime();
        try {
          const outcome = await runWithin(deadline, deps, request, span);
          const { summary } = outcome;
          span.setAttributes({
            'todo_sync.count': summary.count,
            'todo_sync.added': summary.added.length,
            'todo_sync.removed': summary.removed.length,
            'todo_sync.changed': summary.changed.length,
          });
          metrics.runFinished({
            trigger: request.trigger,
            outcome: 'succeeded',
            durationMs: summary.durationMs,
            count: summary.count,
            added: summary.added.length,
            removed: summary.removed.length,
            changed: summary.changed.length,
            succeededAt: new Date(summary.finishedAt),
          });
          return outcome;
        } catch (err) {
          const held = err instanceof TodoSyncError && err.code === 'lock-held';
          // The error's code, never its message: messages name URLs and settings.
          span.setAttribute(
            'error.type',
            err instanceof TodoSyncError ? err.code : ensureError(err).name,
          );
          span.setStatus({ code: SpanStatusCode.ERROR });
          metrics.runFinished({
            trigger: request.trigger,
            outcome: held ? 'lock-held' : 'failed',
            durationMs: deps.clock.now().getTime() - started,
          });
          throw err;
        } finally {
          deadline.dispose();
          span.end();
        }
      },
    );
}

async function runWithin(
  deadline: RunDeadline,
  deps: SyncDependencies,
  request: SyncRequest,
  span: Span,
): Promise<SyncOutcome> {
  const { api, store, clock, logger } = deps;
  const { trigger, knownSnapshotVersion } = request;
  const { signal } = deadline;
  const started = clock.now();
  const runId = deps.newRunId();
  span.setAttribute('todo_sync.run_id', runId);
  const early = knownSnapshotVersion === undefined ? undefined : startEarlyFetch(api, signal);
  let lock: SyncLock;
  try {
    // The GET is the long pole: let it go out (its token comes from MSAL's cache without I/O)
    // before the lease request.
    if (early) await setImmediate();
    lock = await deadline.wait('the sync lock (Blob Storage)', store.acquireLock({ signal }));
  } catch (err) {
    await early?.drop();
    span.setAttribute(
      'todo_sync.lock',
      err instanceof TodoSyncError && err.code === 'lock-held' ? 'held' : 'failed',
    );
    throw deadline.expired ?? err;
  }
  span.setAttribute('todo_sync.lock', 'acquired');
  logger.info('sync started', { runId, trigger });
  try {
    let fetching: Promise<FetchedTodoList>;
    if (early && canUseEarlyFetch(knownSnapshotVersion, lock.snapshotVersion)) {
      fetching = early.list;
    } else {
      await early?.drop();
      fetching = api.fetchTodoList({ signal });
    }
    const [list, stored] = await allOrCancel(deadline, [
      deadline.wait('the ToDo list from the API (its token included)', fetching),
      deadline.wait('the last snapshot (Blob Storage)', store.readSnapshot({ signal })),
    ]);
    const previous = stored.snapshot;
    let snapshotVersion = stored.version;
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
      snapshotVersion = await deadline.wait(
        'storing the snapshot (Blob Storage)',
        store.writeSnapshot({ runId, syncedAt, count, digest, todos }, list.body, { signal }),
      );
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
    // Under the lock, so a later run's status is never overwritten by this one's.
    await deadline.wait(
      'storing the run record (Blob Storage)',
      writeRecords(
        store,
        { schemaVersion: 1, status: 'succeeded', ...summary, lastSuccessAt: summary.finishedAt },
        signal,
      ),
    );
    logger.info('sync succeeded', {
      runId,
      count,
      added: diff.added.length,
      removed: diff.removed.length,
      changed: diff.changed.length,
      snapshotWritten: !unchanged,
    });
    span.setAttribute('todo_sync.snapshot_written', !unchanged);
    return { summary, snapshotVersion };
  } catch (err) {
    const error = deadline.expired ?? ensureError(err);
    await recordFailure(deps, { runId, trigger, started, error });
    throw error;
  } finally {
    await lock.release();
  }
}

/** A GET started before the lock, which the run may yet drop (aborting it). */
function startEarlyFetch(
  api: TodoApi,
  runSignal: AbortSignal,
): { list: Promise<FetchedTodoList>; drop: () => Promise<void> } {
  const controller = new AbortController();
  const onRunAbort = (): void => {
    controller.abort(runSignal.reason);
  };
  runSignal.addEventListener('abort', onRunAbort, { once: true });
  const list = api.fetchTodoList({ signal: controller.signal });
  const settled = list.then(
    () => undefined,
    () => undefined,
  );
  void settled.then(() => {
    runSignal.removeEventListener('abort', onRunAbort);
  });
  return {
    list,
    // Waits for the aborted call to end, so nothing of the run outlives it.
    drop: () => {
      controller.abort();
      return settled;
    },
  };
}

/**
 * Awaits every call; the first to fail cancels the run's others (through the run's signal), and
 * all of them have ended before this rejects, so no call outlives the run.
 */
async function allOrCancel<A, B>(
  deadline: RunDeadline,
  calls: [Promise<A>, Promise<B>],
): Promise<[A, B]> {
  // The first failure in time is the cause; a cancelled sibling's error only says "aborted".
  let failure: { error: unknown } | undefined;
  const cancelOnFailure = <T>(call: Promise<T>): Promise<T> =>
    call.catch((err: unknown) => {
      if (!failure) {
        failure = { error: err };
        deadline.cancel();
      }
      throw err;
    });
  const [a, b] = await Promise.allSettled([cancelOnFailure(calls[0]), cancelOnFailure(calls[1])]);
  if (failure) throw failure.error;
  // Both fulfilled: allSettled reported no rejection, so failure is unset.
  if (a.status === 'rejected' || b.status === 'rejected') throw new Error('unreachable');
  return [a.value, b.value];
}

/** Stores a run's status and its history record, together. */
async function writeRecords(
  store: SyncStore,
  record: RunRecord,
  signal: AbortSignal,
): Promise<void> {
  await Promise.all([
    store.writeLastRun(record, { signal }),
    store.writeRunHistory(record, { signal }),
  ]);
}

/**
 * Stores a failed run's record within its own bound (the run's budget may be spent). Never
 * throws: storage may be what failed, and the run's error is the one to report.
 */
async function recordFailure(
  { store, clock, logger, limits }: SyncDependencies,
  run: { runId: string; trigger: SyncTrigger; started: Date; error: Error },
): Promise<void> {
  logger.error('sync failed', { runId: run.runId, reason: run.error.message });
  try {
    await callWithin(
      undefined,
      limits.cleanupBudgetMs,
      () =>
        new StorageError(
          `Blob Storage did not store the failure record within ${(limits.cleanupBudgetMs / 1000).toString()} s.`,
        ),
      async (signal) => {
        const lastSuccessAt = await previousSuccess(store, logger, signal);
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
          ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
        };
        await writeRecords(store, record, signal);
      },
    );
  } catch (writeErr) {
    logger.warn('could not write the failure record', { reason: ensureError(writeErr).message });
  }
}

/** When the last successful run finished, from the status a failure is about to replace. */
async function previousSuccess(
  store: SyncStore,
  logger: Logger,
  signal: AbortSignal,
): Promise<string | undefined> {
  try {
    return (await store.readLastRun({ signal }))?.lastSuccessAt;
  } catch (err) {
    // The failure is recorded all the same, without the time of the last success.
    logger.warn("could not read the last run's status", { reason: ensureError(err).message });
    return undefined;
  }
}
