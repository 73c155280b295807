import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpResponseInit } from '@azure/functions';
import { healthHandler } from '../../src/functions/health.js';
import { syncTodosHandler } from '../../src/functions/syncTodos.js';
import { createProcessRuntime } from '../../src/runtime/processRuntime.js';
import type { LocalStack } from '../../stack/localStack.js';
import { bodyText, newInvocation, syncRequest } from '../support/capture.js';
import { startTestStack } from '../support/stackForTests.js';

const MINUTE = 60_000;
let stack: LocalStack;
let containers = 0;

/** A function app of its own (own container) with a clock the test moves. */
function app(settings: Record<string, string | undefined> = {}) {
  let now = Date.parse('2026-06-01T12:00:00.000Z');
  const processRuntime = createProcessRuntime(
    {
      ...stack.settings,
      SYNC_CONTAINER: `health-${(++containers).toString()}`,
      SYNC_SCHEDULE: '0 */15 * * * *',
      ...settings,
    },
    { clock: { now: () => new Date(now) } },
  );
  const health = healthHandler(() => processRuntime);
  const sync = syncTodosHandler(() => processRuntime);
  return {
    advance: (ms: number) => {
      now += ms;
    },
    health: () => health(syncRequest('GET'), newInvocation('health').context),
    sync: () => sync(syncRequest('POST'), newInvocation('syncTodos').context),
  };
}

function json(response: HttpResponseInit): Record<string, unknown> {
  if (response.jsonBody !== undefined) return response.jsonBody as Record<string, unknown>;
  return JSON.parse(bodyText(response)) as Record<string, unknown>;
}

describe('GET /api/health (freshness)', () => {
  before(async () => {
    stack = await startTestStack();
  });
  after(async () => {
    await stack.stop();
  });

  it('answers 503 never-synced before the first successful sync', async () => {
    const { health } = app();
    const response = await health();
    assert.equal(response.status, 503);
    const body = json(response);
    assert.equal(body.type, 'urn:todo-sync:problem:never-synced');
    assert.equal(body.staleAfterSeconds, 30 * 60, 'twice the 15 min schedule');
  });

  it('answers 200 while the last success is younger than twice the schedule, then 503 with its age', async () => {
    const { health, sync, advance } = app();
    assert.equal((await sync()).status, 200);
    advance(29 * MINUTE);
    const fresh = await health();
    assert.equal(fresh.status, 200);
    assert.deepEqual(
      { ...json(fresh), lastSuccessAt: 'x' },
      { status: 'fresh', lastSuccessAt: 'x', ageSeconds: 29 * 60, staleAfterSeconds: 1800 },
    );

    // A failing run does not reset the age: the last success is carried over.
    stack.api.faults.next({ kind: 'status', status: 500, count: 4, method: 'GET' });
    assert.equal((await sync()).status, 502);
    advance(2 * MINUTE);
    const stale = await health();
    assert.equal(stale.status, 503);
    assert.equal(
      stale.headers && (stale.headers as Record<string, string>)['Content-Type'],
      'application/problem+json',
    );
    const body = json(stale);
    assert.equal(body.type, 'urn:todo-sync:problem:stale');
    assert.equal(body.ageSeconds, 31 * 60);
    assert.match(String(body.detail), /finished 1860 s ago; the threshold is 1800 s/);
  });

  it('takes SYNC_STALE_AFTER_SECONDS over the schedule', async () => {
    const { health, sync, advance } = app({ SYNC_STALE_AFTER_SECONDS: '90' });
    await sync();
    advance(91_000);
    const response = await health();
    assert.equal(response.status, 503);
    assert.equal(json(response).staleAfterSeconds, 90);
  });

  it('answers 500 naming the settings when neither a schedule nor a threshold is set', async () => {
    const { health } = app({ SYNC_SCHEDULE: undefined });
    const response = await health();
    assert.equal(response.status, 500);
    assert.match(String(json(response).detail), /SYNC_SCHEDULE .* SYNC_STALE_AFTER_SECONDS/);
  });
});
