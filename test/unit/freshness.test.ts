import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scheduleIntervalMs, upcomingRuns } from '../../src/config/schedule.js';
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
  it('reads the schedule in UTC whatever the process time zone (no DST gaps)', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      // Berlin moves to summer time on 2026-03-29: read in local time the runs would drift to
      // 01:30Z, 01:00Z, 00:30Z; in UTC, as Flex Consumption runs them, they stay at 02:30Z.
      const beforeDst = new Date('2026-03-27T12:00:00.000Z');
      assert.deepEqual(
        upcomingRuns('0 30 2 * * *', beforeDst, 3).map((d) => d.toISOString()),
        ['2026-03-28T02:30:00.000Z', '2026-03-29T02:30:00.000Z', '2026-03-30T02:30:00.000Z'],
      );
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
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
