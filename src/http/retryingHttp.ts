import axios, {
  AxiosError,
  type AxiosInstance,
  type CreateAxiosDefaults,
  type InternalAxiosRequestConfig,
} from 'axios';
import axiosRetry from 'axios-retry';
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapSetter,
} from '@opentelemetry/api';
import { boundedSignal, type BoundedSignal } from '../core/boundedSignal.js';
import type { Clock } from '../core/clock.js';
import { TELEMETRY_SCOPE } from '../core/runTelemetry.js';
import type { HttpMetrics, HttpPeer } from '../telemetry/instruments.js';
import type { Logger } from '../logging/logger.js';
import { parseRetryAfter, planRetry, type RetryPolicy } from './retryPolicy.js';

/** One call's state, carried on the axios config from one attempt to the next. */
export interface CallState {
  /** The caller's deadline; each attempt also gets a bound of its own. */
  readonly signal: AbortSignal | undefined;
  /** May the call be sent again after a failure that might have reached the server? */
  readonly idempotent: boolean;
  waitedMs: number;
  nextDelayMs: number;
  /** Why the retries stopped, when the policy stopped them. */
  giveUpReason?: string;
  /** Attempts made so far. */
  attempts: number;
  /** The current attempt's bound. */
  attempt?: BoundedSignal;
  /** The current attempt's client span. */
  span?: Span;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    todoSyncCall?: CallState;
  }
}

/** Marks an attempt that ran out of its own time, so it is told apart from the caller's abort. */
export const ATTEMPT_TIMEOUT_CODE = 'ETIMEDOUT';

export interface RetryingHttpOptions {
  /** Who is called, for log lines: "the API", "the identity provider". */
  readonly peer: string;
  /** The same, as a metric attribute. */
  readonly telemetryPeer: HttpPeer;
  /** Counts attempts and retries (default: nowhere). */
  readonly metrics?: HttpMetrics;
  readonly policy: RetryPolicy;
  /** Each attempt's bound, from sending the request to the last byte of the body. */
  readonly attemptTimeoutMs: number;
  /** Whether a failed attempt may be retried at all (the policy then decides on count and time). */
  readonly isRetryable: (error: AxiosError, call: CallState) => boolean;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Jitter source; injectable so tests are deterministic. */
  readonly random?: () => number;
  readonly axiosDefaults: CreateAxiosDefaults;
}

/** Starts a call's state: pass it as the request config's `todoSyncCall`. */
export function newCall(options: {
  signal?: AbortSignal | undefined;
  idempotent: boolean;
}): CallState {
  return {
    signal: options.signal,
    idempotent: options.idempotent,
    waitedMs: 0,
    nextDelayMs: 0,
    attempts: 0,
  };
}

/**
 * An axios instance whose every attempt has a deadline of its own (axios's `timeout` is an idle
 * timer: a body trickling in a byte at a time never trips it) and whose failures are retried
 * with axios-retry under one policy: exponential backoff with jitter, Retry-After honoured in
 * full, a cap on attempts and on total waiting. The caller's signal ends the call, retries and
 * waits included, at once.
 */
export function createRetryingHttp(options: RetryingHttpOptions): AxiosInstance {
  const { policy, logger, clock, peer } = options;
  const random = options.random ?? Math.random;
  const http = axios.create(options.axiosDefaults);
  const seconds = (options.attemptTimeoutMs / 1000).toString();

  // Registered before axios-retry's, so these run for every attempt, retries included.
  http.interceptors.request.use((config: InternalAxiosRequestConfig) => {
    const call = config.todoSyncCall;
    if (call) {
      call.attempts += 1;
      call.attempt = boundedSignal(
        call.signal,
        options.attemptTimeoutMs,
        () => new Error(`no complete answer within ${seconds} s`),
      );
      config.signal = call.attempt.signal;
      call.span = startAttemptSpan(http, config, call.attempts);
    }
    return config;
  });
  const endAttempt = (
    config: InternalAxiosRequestConfig | undefined,
    error?: AxiosError,
    answered?: number,
  ) => {
    const call = config?.todoSyncCall;
    if (!call?.attempt) return;
    const timedOut = call.attempt.signal.aborted && !call.signal?.aborted;
    call.attempt.dispose();
    call.attempt = undefined;
    if (timedOut && error) {
      error.code = ATTEMPT_TIMEOUT_CODE;
      error.message = `no complete answer within ${seconds} s`;
    }
    const status = error ? error.response?.status : answered;
    options.metrics?.attempt(options.telemetryPeer, status, call.attempts > 1);
    if (call.span) {
      endAttemptSpan(call.span, status, error);
      call.span = undefined;
    }
    // axios-retry waits on the config's signal between attempts: give it the caller's, not
    // this attempt's (aborted when it timed out, which would skip the wait).
    if (config) config.signal = call.signal;
  };
  http.interceptors.response.use(
    (response) => {
      endAttempt(response.config, undefined, response.status);
      return response;
    },
    (error: unknown) => {
      if (error instanceof AxiosError) endAttempt(error.config, error);
      throw error;
    },
  );

  axiosRetry(http, {
    // The policy decides when to stop (and says why): axios-retry must still ask it after the
    // last attempt.
    retries: policy.maxAttempts,
    shouldResetTimeout: true,
    retryCondition: (error) => {
      const call = error.config?.todoSyncCall;
      if (!call || call.signal?.aborted || !options.isRetryable(error, call)) return false;
      const decision = planRetry(policy, {
        retryNumber: call.attempts,
        retryAfterMs: parseRetryAfter(
          error.response?.headers['retry-after'] as string | undefined,
          clock.now().getTime(),
        ),
        waitedMs: call.waitedMs,
        random: random(),
      });
      if (!decision.retry) {
        call.giveUpReason = decision.reason;
        return false;
      }
      call.nextDelayMs = decision.delayMs;
      return true;
    },
    retryDelay: (_count, error) => error.config?.todoSyncCall?.nextDelayMs ?? 0,
    onRetry: (count, error, config) => {
      const call = config.todoSyncCall;
      if (call) call.waitedMs += call.nextDelayMs;
      logger.warn(`${peer} call failed; retrying`, {
        method: config.method?.toUpperCase(),
        url: config.url,
        status: error.response?.status ?? error.code,
        retry: count,
        delayMs: Math.round(call?.nextDelayMs ?? 0),
      });
    },
  });
  return http;
}

/** Writes `traceparent` (and `tracestate`) into an attempt's axios headers. */
const headerSetter: TextMapSetter<InternalAxiosRequestConfig['headers']> = {
  set: (headers, key, value) => {
    headers.set(key, value);
  },
};

/**
 * A client span for one attempt (HTTP semantic conventions), so every retry shows in the trace,
 * with the trace context sent along (W3C `traceparent`) so the peer's logs join the trace. The
 * URL goes in without its query string; no header, body or credential is recorded.
 */
function startAttemptSpan(
  http: AxiosInstance,
  config: InternalAxiosRequestConfig,
  attempt: number,
): Span {
  const method = (config.method ?? 'get').toUpperCase();
  const url = new URL(http.getUri(config));
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const parent = context.active();
  const span = trace.getTracer(TELEMETRY_SCOPE).startSpan(
    method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': method,
        'url.full': `${url.origin}${url.pathname}`,
        'server.address': url.hostname,
        'server.port': port,
        ...(attempt > 1 ? { 'http.request.resend_count': attempt - 1 } : {}),
      },
    },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), config.headers, headerSetter);
  return span;
}

function endAttemptSpan(
  span: Span,
  status: number | undefined,
  error: AxiosError | undefined,
): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  if (error || (status ?? 0) >= 400) {
    // A status code, or the error's code (ETIMEDOUT, ECONNREFUSED, ERR_CANCELED): never a message.
    span.setAttribute('error.type', status?.toString() ?? error?.code ?? 'Error');
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
