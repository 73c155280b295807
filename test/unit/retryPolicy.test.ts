import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY as policy,
  parseRetryAfter,
  planRetry,
} from '../../src/http/retryPolicy.js';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('planRetry', () => {
  const base = { retryNumber: 1, retryAfterMs: undefined, waitedMs: 0, random: 0.5 };

  it('backs off exponentially with jitter inside [ceiling/2, ceiling]', () => {
    assert.equal(backoffDelay(policy, 1, 0), 250);
    assert.equal(backoffDelay(policy, 1, 1), 500);
    assert.equal(backoffDelay(policy, 3, 0), 1000);
    assert.equal(backoffDelay(policy, 10, 1), policy.maxBackoffMs);
  });

  it('never waits less than Retry-After', () => {
    const d = planRetry(policy, { ...base, retryAfterMs: 7000 });
    assert.deepEqual(d, { retry: true, delayMs: 7000 });
  });

  it('gives up instead of waiting less when Retry-After exceeds the cap', () => {
    const d = planRetry(policy, { ...base, retryAfterMs: 120_000 });
    assert.equal(d.retry, false);
    assert.match(d.reason, /asked to retry after 120 s/);
  });

  it('stops after maxAttempts and within the total budget', () => {
    assert.equal(planRetry(policy, { ...base, retryNumber: policy.maxAttempts }).retry, false);
    const d = planRetry(policy, { ...base, retryAfterMs: 20_000, waitedMs: 15_000 });
    assert.equal(d.retry, false);
    assert.match(d.reason, /retry budget/);
  });

  it('bounds a persistently failing call well within a minute', () => {
    let waited = 0;
    for (let n = 1; ; n++) {
      const d = planRetry(policy, {
        retryNumber: n,
        retryAfterMs: 30_000,
        waitedMs: waited,
        random: 1,
      });
      if (!d.retry) break;
      waited += d.delayMs;
    }
    assert.ok(waited <= policy.budgetMs, `waited ${waited}`);
  });
});
