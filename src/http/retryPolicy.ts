/**
 * When and how long to wait before retrying a call to the API. Pure, so it is unit-tested
 * without a clock; axios-retry runs the loop.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** First backoff; doubles each retry (with jitter) up to `maxBackoffMs`. */
  readonly baseDelayMs: number;
  readonly maxBackoffMs: number;
  /** The longest Retry-After honoured; a longer one fails the call instead of waiting less. */
  readonly maxRetryAfterMs: number;
  /** Total waiting across retries; a retry that would exceed it is not made. */
  readonly budgetMs: number;
}

/** A persistently failing API fails the call in well under a minute. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxBackoffMs: 8_000,
  maxRetryAfterMs: 30_000,
  budgetMs: 30_000,
};

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half fixed, half random, so retries spread out. */
export function backoffDelay(policy: RetryPolicy, retryNumber: number, random: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return ceiling / 2 + (ceiling / 2) * random;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

/**
 * Decides on retry number `retryNumber` (1 for the first retry) of a retryable failure.
 * Retry-After is honoured in full: the wait is never shorter than the server asked.
 */
export function planRetry(
  policy: RetryPolicy,
  input: {
    retryNumber: number;
    retryAfterMs: number | undefined;
    waitedMs: number;
    random: number;
  },
): RetryDecision {
  if (input.retryNumber >= policy.maxAttempts) {
    return { retry: false, reason: `gave up after ${policy.maxAttempts} attempts` };
  }
  if (input.retryAfterMs !== undefined && input.retryAfterMs > policy.maxRetryAfterMs) {
    return {
      retry: false,
      reason: `the API asked to retry after ${Math.ceil(input.retryAfterMs / 1000)} s, longer than the ${policy.maxRetryAfterMs / 1000} s this client waits`,
    };
  }
  const delayMs = Math.max(
    backoffDelay(policy, input.retryNumber, input.random),
    input.retryAfterMs ?? 0,
  );
  if (input.waitedMs + delayMs > policy.budgetMs) {
    return {
      retry: false,
      reason: `gave up: another wait of ${Math.ceil(delayMs / 1000)} s would exceed the ${policy.budgetMs / 1000} s retry budget`,
    };
  }
  return { retry: true, delayMs };
}
