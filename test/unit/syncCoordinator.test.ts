import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SyncCoordinator } from '../../src/sync/syncCoordinator.js';
import type { SyncRun, SyncSummary, SyncTrigger } from '../../src/sync/syncRecords.js';

/** A promise and the function that resolves it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function summary(runId: string, trigger: SyncTrigger): SyncSummary {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    runId,
    trigger,
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    count: 0,
    added: [],
    removed: [],
    changed: [],
  };
}

/** Runs that answer and settle when the test says so, and the order things happened in. */
function controlledRuns() {
  const events: string[] = [];
  const runs: { answer: () => void; settle: () => void }[] = [];
  const start = (trigger: SyncTrigger): Promise<SyncRun> => {
    const id = `run${runs.length + 1}`;
    events.push(`${id} started`);
    const answered = deferred();
    const settled = deferred();
    runs.push({
      answer: () => {
        answered.resolve();
      },
      settle: () => {
        settled.resolve();
      },
    });
    return answered.promise.then(() => ({
      summary: summary(id, trigger),
      settled: settled.promise.then(() => {
        events.push(`${id} settled`);
      }),
    }));
  };
  return { events, runs, start };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SyncCoordinator', () => {
  it('shares the run in flight between concurrent triggers', async () => {
    const { runs, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const calls = [coordinator.run('http'), coordinator.run('http'), coordinator.run('timer')];
    await tick();
    assert.equal(runs.length, 1);
    runs[0]?.answer();
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => r.runId),
      ['run1', 'run1', 'run1'],
    );
  });

  it('starts the next run only once the previous one has settled', async () => {
    const { events, runs, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const first = coordinator.run('http');
    await tick();
    runs[0]?.answer();
    assert.equal((await first).runId, 'run1');
    const second = coordinator.run('http');
    await tick();
    assert.deepEqual(events, ['run1 started'], 'waits for the bookkeeping of run1');
    runs[0]?.settle();
    await tick();
    assert.deepEqual(events, ['run1 started', 'run1 settled', 'run2 started']);
    runs[1]?.answer();
    assert.equal((await second).runId, 'run2');
  });

  it('settled() waits for the bookkeeping of answered runs, not for a run in flight', async () => {
    const { events, runs, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const first = coordinator.run('http');
    await tick();
    runs[0]?.answer();
    await first;
    let settled = false;
    void coordinator.settled().then(() => {
      settled = true;
    });
    await tick();
    assert.equal(settled, false, 'run1 has answered but not settled');
    runs[0]?.settle();
    await coordinator.settled();
    assert.deepEqual(events, ['run1 started', 'run1 settled']);

    // run2 is in flight and has not answered: settled() does not wait for it.
    void coordinator.run('timer');
    await tick();
    assert.equal(runs.length, 2);
    await coordinator.settled();
    assert.equal(events.at(-1), 'run2 started');
  });

  it('settles a failed run at once, so the next one can start', async () => {
    let calls = 0;
    const coordinator = new SyncCoordinator(() => {
      calls++;
      return Promise.reject(new Error(`failure ${calls}`));
    });
    await assert.rejects(coordinator.run('http'), /failure 1/);
    await assert.rejects(coordinator.run('http'), /failure 2/);
  });
});
