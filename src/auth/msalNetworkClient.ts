import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { AxiosError, type AxiosResponse } from 'axios';
import type { Clock } from '../core/clock.js';
import { AuthError } from '../errors.js';
import { createRetryingHttp, newCall, ATTEMPT_TIMEOUT_CODE } from '../http/retryingHttp.js';
import type { RetryPolicy } from '../http/retryPolicy.js';
import type { Logger } from '../logging/logger.js';
import type { HttpMetrics } from '../telemetry/instruments.js';
import { currentTokenCall } from './tokenCallContext.js';

export interface MsalNetworkClientOptions {
  readonly policy: RetryPolicy;
  readonly attemptTimeoutMs: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics?: HttpMetrics;
}

/** Answers worth another try: the identity provider was busy or failing, not refusing us. */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * MSAL's network client: the token and discovery requests on the same retrying HTTP stack as the
 * API calls. MSAL's default client (global fetch) has no short deadline and no retry, so one
 * stalled or busy identity provider would hold a run for minutes or fail it at the first 503.
 *
 * Each attempt is bounded; network errors, timeouts, 408, 429 and 5xx are retried under the
 * policy (Retry-After honoured), within the token request's deadline, which comes through
 * the token call's context. Any other answer (400 `invalid_client` and its kin) goes to MSAL at
 * once, as does the last transient one when the retries run out. A failure with no answer at all
 * is recorded in the call's context in our words, since MSAL replaces errors thrown here with a
 * generic `network_error`.
 */
export function createMsalNetworkClient(options: MsalNetworkClientOptions): INetworkModule {
  const http = createRetryingHttp({
    peer: 'identity provider',
    telemetryPeer: 'identity_provider',
    ...(options.metrics ? { metrics: options.metrics } : {}),
    policy: options.policy,
    attemptTimeoutMs: options.attemptTimeoutMs,
    logger: options.logger,
    clock: options.clock,
    // A token request changes nothing on the server: sending it again is always safe.
    isRetryable: (error) => {
      const status = error.response?.status;
      return status === undefined ? error.code !== 'ERR_CANCELED' : isTransientStatus(status);
    },
    axiosDefaults: {
      maxRedirects: 0,
      maxContentLength: 1024 * 1024,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // Refusals are MSAL's to read; only transient answers are failures to retry.
      validateStatus: (status) => !isTransientStatus(status),
    },
  });

  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    request: NetworkRequestOptions | undefined,
  ): Promise<NetworkResponse<T>> => {
    const tokenCall = currentTokenCall();
    const call = newCall({ signal: tokenCall?.signal, idempotent: true });
    let response: AxiosResponse<string>;
    try {
      response = await http.request<string>({
        method,
        url,
        headers: request?.headers,
        data: request?.body,
        todoSyncCall: call,
      });
    } catch (err) {
      if (err instanceof AxiosError && err.response) {
        // The retries ran out on a transient answer: MSAL reads it (and throttles repeats).
        response = err.response as AxiosResponse<string>;
      } else {
        // axios merges the request config into a copy (plain objects deep-copied), so the
        // attempts and the reason the retries stopped are counted on the copy the error carries,
        // not on `call`: read them there, or the message says "after 0 attempts".
        const state = (err instanceof AxiosError ? err.config?.todoSyncCall : undefined) ?? call;
        const failure = noAnswerError(err, method, url, state.attempts, state.giveUpReason);
        if (tokenCall) tokenCall.failure = failure;
        throw failure;
      }
    }
    return {
      status: response.status,
      headers: headerRecord(response),
      // MSAL names the shape it expects; the identity provider's JSON is what it reads.
      body: parseBody(response, method, url) as T,
    };
  };

  return {
    sendGetRequestAsync: (url, request) => send('GET', url, request),
    sendPostRequestAsync: (url, request) => send('POST', url, request),
  };
}

function headerRecord(response: AxiosResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number') {
      headers[name.toLowerCase()] = String(value);
    } else if (Array.isArray(value)) {
      headers[name.toLowerCase()] = value.join(', ');
    }
  }
  return headers;
}

function parseBody(response: AxiosResponse<string>, method: string, url: string): unknown {
  try {
    return JSON.parse(response.data) as unknown;
  } catch {
    throw new AuthError(
      `The identity provider answered ${method} ${url} with ${response.status.toString()} and a body that is not JSON: check AUTHORITY.`,
    );
  }
}

function noAnswerError(
  err: unknown,
  method: string,
  url: string,
  attempts: number,
  giveUpReason: string | undefined,
): AuthError {
  const code = err instanceof AxiosError ? err.code : undefined;
  const tries = `${attempts.toString()} attempt${attempts === 1 ? '' : 's'}`;
  const why =
    code === ATTEMPT_TIMEOUT_CODE
      ? `it did not answer in time (${err instanceof Error ? err.message : ''})`
      : code === 'ERR_CANCELED'
        ? 'the request was cancelled (the run ran out of time)'
        : `it could not be reached (${code ?? (err instanceof Error ? err.message : 'unknown error')})`;
  return new AuthError(
    `No token from the identity provider (${method} ${url}): ${why}; ${giveUpReason ?? `after ${tries}`}. Check AUTHORITY and that the identity provider is reachable.`,
    { errorCode: 'network_error' },
  );
}
