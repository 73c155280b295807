import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Clock } from '../../src/core/clock.js';
import type { RunRecord } from '../../src/core/syncRecords.js';
import type { Todo } from '../../src/core/todo.js';
import { runSync, type SyncDependencies, type SyncLimits } from '../../src/sync/runSync.js';
import { captureLogger } from '../support/capture.js';
import { FakeTodoApi } from '../support/fakeTodoApi.js';
import { InMemorySyncStore } from '../support/inMemorySyncStore.js';

const T0 = new Date('2026-06-01T12:00:00.000Z');

/** A clock that moves only when the test says so. */
function frozenClock(): Clock & { advance(ms: number): void } {
  let now = T0.getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

const todo = (id: number, description = `todo ${id.toString()}`): Todo => ({
  id,
  owner: '00000000-0000-0000-0000-000000000001',
  description,
});

const LIMITS: SyncLimits = {
  runBudgetMs: 60_000,
  runBudgetSetting: 'SYNC_TIMEOUT_SECONDS',
  cleanupBudgetMs: 5_000,
};

function setup(todos: Todo[] = [todo(1), todo(2)], limits: SyncLimits = LIMITS) {
  const api = new FakeTodoApi(todos);
  const store = new InMemorySyncStore();
  const clock = frozenClock();
  const { logger, lines } = captureLogger();
  let n = 0;
  const deps: SyncDependencies = {
    api,
    store,
    clock,
    logger,
    newRunId: () => `run-${(++n).toString()}`,
    limits,
  };
  return { api, store, clock, lines, deps };
}

describe('runSync', () => {
  it('stores the snapshot, the status and the run record, and frees the lock, before it answers', async () => {
    const { store, deps } = setup();
    const outcome = await runSync(deps, { trigger: 'http', knownSnapshotVersion: undefined });
    assert.deepEqual(outcome.summary, {
      runId: 'run-1',
      trigger: 'http',
      startedAt: T0.toISOString(),
      finishedAt: T0.toISOString(),
      durationMs: 0,
      count: 2,
      added: [1, 2],
      removed: [],
      changed: [],
    });
    // All of it is there the moment the answer is.
    assert.equal(store.lock, 'free');
    assert.equal(outcome.snapshotVersion, store.snapshot?.version);
    assert.deepEqual(store.snapshot?.snapshot.todos, [todo(1), todo(2)]);
    const record: RunRecord = {
      schemaVersion: 1,
      status: 'succeeded',
      ...outcome.summary,
      lastSuccessAt: outcome.summary.finishedAt,
    };
    assert.deepEqual(store.lastRun, record);
    assert.deepEqual(store.history, [record]);
    // The release is the last thing the run does.
    assert.equal(store.calls.at(-1), 'release');
  });

  it('does not rewrite an unchanged list, and counts it from the snapshot', async () => {
    const { store, deps } = setup();
    const first = await runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    const writes = store.calls.filter((c) => c === 'writeSnapshot').length;
    const again = await runSync(deps, {
      trigger: 'timer',
      knownSnapshotVersion: first.snapshotVersion,
    });
    assert.equal(store.calls.filter((c) => c === 'writeSnapshot').length, writes);
    assert.equal(again.summary.count, 2);
    assert.deepEqual(
      [again.summary.added, again.summary.removed, again.summary.changed],
      [[], [], []],
    );
    assert.equal(again.snapshotVersion, first.snapshotVersion);
    assert.equal(store.history.length, 2);
  });

  it('reports what was added, removed and changed, with the clock it is given', async () => {
    const { api, store, clock, deps } = setup();
    await runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    api.setTodos([todo(2, 'edited'), todo(3)]);
    clock.advance(1500);
    const { summary } = await runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    assert.deepEqual([summary.added, summary.removed, summary.changed], [[3], [1], [2]]);
    assert.equal(summary.startedAt, new Date(T0.getTime() + 1500).toISOString());
    assert.equal(store.snapshot?.snapshot.syncedAt, summary.startedAt);
    assert.deepEqual(store.snapshot.snapshot.todos, [todo(2, 'edited'), todo(3)]);
  });

  it('on an API failure keeps the last snapshot, records the failure and frees the lock', async () => {
    const { api, store, deps } = setup();
    await runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    const kept = store.snapshot;
    api.failNextGet();
    await assert.rejects(runSync(deps, { trigger: 'http', knownSnapshotVersion: undefined }), {
      name: 'ApiError',
      message: /with 500/,
    });
    assert.equal(store.snapshot, kept);
    assert.equal(store.lastRun?.status, 'failed');
    assert.equal(store.lastRun.error.code, 'api');
    // The last success is carried over, so freshness sees its age grow.
    assert.equal(store.lastRun.lastSuccessAt, T0.toISOString());
    assert.equal(store.history.length, 2);
    assert.equal(store.lock, 'free');
  });

  it('on a body that is not a todo list keeps the last snapshot', async () => {
    const { api, store, deps } = setup();
    await runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    const kept = store.snapshot;
    api.body = Buffer.from('{"not":"a list"}');
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'ApiError',
      message: /expected a JSON array/,
    });
    assert.equal(store.snapshot, kept);
    assert.equal(store.lock, 'free');
  });

  it('when the snapshot cannot be written, records the failure and frees the lock', async () => {
    const { store, deps } = setup();
    store.failNext('writeSnapshot', 'write the snapshot: 503');
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'StorageError',
      message: /503/,
    });
    assert.equal(store.snapshot, undefined);
    assert.equal(store.lastRun?.status, 'failed');
    assert.equal(store.lock, 'free');
  });

  it('fails when the run record cannot be stored: no answer without its record', async () => {
    const { store, deps } = setup();
    store.failNext('writeRunHistory', 'write the run record: 500');
    await assert.rejects(runSync(deps, { trigger: 'http', knownSnapshotVersion: undefined }), {
      name: 'StorageError',
      message: /run record: 500/,
    });
    // The snapshot itself was stored; the failure record took the place of the success one.
    assert.ok(store.snapshot);
    assert.equal(store.history[0]?.status, 'failed');
    assert.equal(store.lock, 'free');
  });

  it('throws LockHeldError and records nothing when another instance holds the lock', async () => {
    const { api, store, deps } = setup();
    store.lock = 'theirs';
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'LockHeldError',
    });
    assert.equal(store.lastRun, undefined);
    assert.deepEqual(store.history, []);
    assert.equal(api.gets.length, 0, 'no GET without the lock (no known version)');
    assert.equal(store.lock, 'theirs');
  });

  it('writes no snapshot when the lock was lost mid-run', async () => {
    const { store, deps } = setup();
    store.loseLockOn('readSnapshot');
    const sync = runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    await assert.rejects(sync, { name: 'StorageError', message: /lost the sync lock/ });
    assert.equal(store.snapshot, undefined);
    assert.equal(store.lastRun?.status, 'failed');
  });

  it('ends a stalled API call at its budget, naming what it waited for, and records the timeout', async () => {
    const { api, store, deps } = setup(undefined, { ...LIMITS, runBudgetMs: 200 });
    api.hangNextGet();
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'RunTimeoutError',
      message:
        /ran out of its 0\.2 s budget \(SYNC_TIMEOUT_SECONDS\) while waiting for the ToDo list from the API \(its token included\) \(for \d+\.\d s\)/,
    });
    assert.equal(api.gets[0]?.aborted, true, 'the hung GET was aborted, not left running');
    assert.equal(store.lastRun?.status === 'failed' && store.lastRun.error.code, 'timeout');
    assert.equal(store.lock, 'free');
  });

  it("keeps its budget even when a call ignores the run's signal", async () => {
    const { api, store, deps } = setup(undefined, { ...LIMITS, runBudgetMs: 200 });
    api.hangDeafNextGet();
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'RunTimeoutError',
      message: /while waiting for the ToDo list from the API/,
    });
    assert.equal(store.lastRun?.status, 'failed');
    assert.equal(store.lock, 'free');
  });

  it('ends a stalled lock request at its budget without a record (no lock, nothing written)', async () => {
    const { store, deps } = setup(undefined, { ...LIMITS, runBudgetMs: 200 });
    store.hangNext('acquireLock');
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'RunTimeoutError',
      message: /while waiting for the sync lock \(Blob Storage\)/,
    });
    assert.equal(store.aborted, 1);
    assert.equal(store.lastRun, undefined);
  });

  it('records a timeout even when the budget is spent, within the cleanup bound', async () => {
    const { store, deps } = setup(undefined, { ...LIMITS, runBudgetMs: 200 });
    store.hangNext('writeSnapshot');
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'RunTimeoutError',
      message: /storing the snapshot/,
    });
    assert.equal(store.lastRun?.status, 'failed');
    assert.equal(store.lock, 'free');
  });

  it('cancels the snapshot read when the GET fails, instead of waiting for its budget', async () => {
    const { api, store, deps } = setup(undefined, { ...LIMITS, runBudgetMs: 30_000 });
    store.hangNext('readSnapshot');
    api.failNextGet();
    await assert.rejects(runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined }), {
      name: 'ApiError',
    });
    assert.equal(store.aborted, 1, 'the hung read was aborted when the GET failed');
  });

  it('uses the GET started before the lock only when the snapshot is the version it knows', async () => {
    const { api, store, deps } = setup();
    const first = await runSync(deps, { trigger: 'timer', knownSnapshotVersion: undefined });
    api.gets.length = 0;
    await runSync(deps, { trigger: 'timer', knownSnapshotVersion: first.snapshotVersion });
    assert.equal(api.gets.length, 1, 'the early GET was used');
    assert.equal(api.gets[0]?.aborted, false);

    // This process's next early GET is answered with the list as it was, and then another
    // instance stores a newer list before this one takes the lock.
    api.gets.length = 0;
    const sync = runSync(deps, { trigger: 'timer', knownSnapshotVersion: first.snapshotVersion });
    store.writtenElsewhere(
      { runId: 'other', syncedAt: T0.toISOString(), count: 1, digest: 'other', todos: [todo(9)] },
      Buffer.from(JSON.stringify([todo(9)])),
    );
    api.setTodos([todo(9), todo(10)]);
    const { summary } = await sync;
    assert.equal(api.gets.length, 2, 'a second GET after the lock');
    // Had the early GET's list been used, 1 and 2 would be "added" and 9 "removed".
    assert.deepEqual([summary.added, summary.removed], [[10], []]);
    assert.deepEqual(store.snapshot?.snapshot.todos, [todo(9), todo(10)]);
  });
});
