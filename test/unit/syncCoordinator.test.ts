import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncSummary, SyncTrigger } from '../../src/core/syncRecords.js';
import type { SyncOutcome, SyncRequest } from '../../src/sync/runSync.js';
import { SyncCoordinator } from '../../src/sync/syncCoordinator.js';

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

/** Runs that end when the test says so, with the requests they were started with. */
function controlledRuns() {
  const requests: SyncRequest[] = [];
  const ends: { finish: (version: string) => void; fail: (error: Error) => void }[] = [];
  const start = (request: SyncRequest): Promise<SyncOutcome> => {
    requests.push(request);
    const id = `run${requests.length.toString()}`;
    return new Promise<SyncOutcome>((resolve, reject) => {
      ends.push({
        finish: (version) => {
          resolve({ summary: summary(id, request.trigger), snapshotVersion: version });
        },
        fail: reject,
      });
    });
  };
  return { requests, ends, start };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SyncCoordinator', () => {
  it('shares the run in flight between concurrent triggers', async () => {
    const { requests, ends, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const a = coordinator.run('http');
    const b = coordinator.run('timer');
    await tick();
    assert.equal(requests.length, 1);
    ends[0]?.finish('"v1"');
    const [ra, rb] = await Promise.all([a, b]);
    assert.equal(ra, rb);
    assert.equal(ra.trigger, 'http');
  });

  it('starts a new run once the previous one has answered', async () => {
    const { requests, ends, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const first = coordinator.run('timer');
    ends[0]?.finish('"v1"');
    await first;
    const second = coordinator.run('http');
    await tick();
    assert.equal(requests.length, 2);
    ends[1]?.finish('"v2"');
    assert.equal((await second).runId, 'run2');
  });

  it('hands each run the snapshot version the last one ended with', async () => {
    const { requests, ends, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const first = coordinator.run('timer');
    ends[0]?.finish('"v7"');
    await first;
    const failing = coordinator.run('timer');
    ends[1]?.fail(new Error('API down'));
    await assert.rejects(failing, /API down/);
    const third = coordinator.run('timer');
    ends[2]?.finish('"v8"');
    await third;
    assert.deepEqual(
      requests.map((r) => r.knownSnapshotVersion),
      [undefined, '"v7"', '"v7"'],
      'a failed run leaves the known version as it was',
    );
  });

  it('lets a failure reach every caller that joined the run, then runs afresh', async () => {
    const { requests, ends, start } = controlledRuns();
    const coordinator = new SyncCoordinator(start);
    const a = coordinator.run('http');
    const b = coordinator.run('http');
    ends[0]?.fail(new Error('boom'));
    await assert.rejects(a, /boom/);
    await assert.rejects(b, /boom/);
    const c = coordinator.run('http');
    await tick();
    assert.equal(requests.length, 2);
    ends[1]?.finish('"v1"');
    await c;
  });
});
