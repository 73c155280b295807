import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scheduleIntervalMs } from '../../src/config/schedule.js';
import { assessFreshness } from '../../src/core/freshness.js';
import type { RunRecord } from '../../src/core/syncRecords.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function failedRun(lastSuccessAt?: string): RunRecord {
  return {
    schemaVersion: 1,
    status: 'failed',
    runId: 'r',
    trigger: 'timer',
    startedAt: '2026-06-01T12:00:00.000Z',
    finishedAt: '2026-06-01T12:00:01.000Z',
    durationMs: 1000,
    error: { code: 'api', message: 'down' },
    ...(lastSuccessAt === undefined ? {} : { lastSuccessAt }),
  };
}

describe('scheduleIntervalMs (NCRONTAB, UTC)', () => {
  const from = new Date('2026-06-03T10:07:00.000Z'); // a Wednesday
  it('is the period of a regular schedule', () => {
    assert.equal(scheduleIntervalMs('0 */15 * * * *', from), 15 * MINUTE);
    assert.equal(scheduleIntervalMs('30 0 * * * *', from), HOUR);
  });
  it('is the longest gap of an irregular one: a weekday schedule spans the weekend', () => {
    assert.equal(scheduleIntervalMs('0 0 9 * * 1-5', from), 72 * HOUR);
  });
  it('says what is wrong with an expression', () => {
    assert.throws(() => scheduleIntervalMs('*/15 * * * *', from), /has 6 fields .* has 5/);
    assert.throws(() => scheduleIntervalMs('0 */15 * * * banana', from), Error);
  });
});

describe('assessFreshness', () => {
  const now = new Date('2026-06-01T12:30:00.000Z');
  it('is fresh up to the threshold, stale past it', () => {
    const at = '2026-06-01T12:00:00.000Z';
    const run = failedRun(at);
    assert.deepEqual(assessFreshness(run, now, 30 * MINUTE), {
      state: 'fresh',
      lastSuccessAt: at,
      ageMs: 30 * MINUTE,
      staleAfterMs: 30 * MINUTE,
    });
    assert.equal(assessFreshness(run, now, 30 * MINUTE - 1).state, 'stale');
  });
  it('is "never" without a recorded success (none yet, or a record from before it was kept)', () => {
    assert.deepEqual(assessFreshness(undefined, now, MINUTE), {
      state: 'never',
      staleAfterMs: MINUTE,
    });
    assert.equal(assessFreshness(failedRun(), now, MINUTE).state, 'never');
    assert.equal(assessFreshness(failedRun('not a date'), now, MINUTE).state, 'never');
  });
});
