import { randomUUID } from 'node:crypto';
import { AxiosError, type AxiosInstance } from 'axios';
import type { CallOptions } from '../core/callOptions.js';
import { systemClock, type Clock } from '../core/clock.js';
import { parseJsonBytes } from '../core/jsonBody.js';
import type { FetchedTodoList, TodoApi } from '../core/todoApi.js';
import { parseTodo, parseTodoList, type Todo } from '../core/todo.js';
import type { TokenProvider } from '../core/tokenProvider.js';
import { ApiError } from '../errors.js';
import { createRetryingHttp, newCall, type CallState } from '../http/retryingHttp.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../http/retryPolicy.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import {
  isOverCap,
  isUndecodable,
  READ_PERMISSION,
  requestIdOf,
  toApiError,
  WRITE_PERMISSION,
} from './apiErrors.js';
import type { HttpMetrics } from '../telemetry/instruments.js';
import { readPermissionClaims } from './permissionClaims.js';

export interface TodoApiClientOptions {
  /** Full URL of the list endpoint. */
  readonly endpoint: string;
  readonly tokens: TokenProvider;
  readonly logger: Logger;
  /** Each attempt's bound, from sending the request to the last byte of the body. */
  readonly timeoutMs?: number;
  /** Largest response body accepted. */
  readonly maxResponseBytes?: number;
  readonly retry?: RetryPolicy;
  /** Reads the time for Retry-After dates. */
  readonly clock?: Clock;
  /** Scrubs what the API writes into its error answers: the runtime's redactor. */
  readonly redactor: Redactor;
  /** Counts attempts and retries (default: nowhere). */
  readonly metrics?: HttpMetrics;
}

/** Errors that prove the request never reached the API, so even a POST may be retried. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isRetryable(error: AxiosError, { idempotent }: CallState): boolean {
  // Asked again, the API sends the same body: too large or corrupt is final.
  if (isOverCap(error) || isUndecodable(error)) return false;
  const status = error.response?.status;
  if (status === 429) return true;
  if (!idempotent) return status === undefined && NOT_SENT_CODES.has(error.code ?? '');
  if (status === undefined) return error.code !== 'ERR_CANCELED';
  return status === 408 || status >= 500;
}

export class TodoApiClient implements TodoApi {
  private readonly http: AxiosInstance;
  private readonly endpoint: string;
  private readonly tokens: TokenProvider;
  private readonly logger: Logger;
  private readonly maxResponseBytes: number;
  private readonly redactor: Redactor;

  constructor(options: TodoApiClientOptions) {
    this.endpoint = options.endpoint;
    this.tokens = options.tokens;
    this.logger = options.logger;
    this.redactor = options.redactor;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    this.http = createRetryingHttp({
      peer: 'API',
      telemetryPeer: 'api',
      ...(options.metrics ? { metrics: options.metrics } : {}),
      policy: options.retry ?? DEFAULT_RETRY_POLICY,
      attemptTimeoutMs: options.timeoutMs ?? 15_000,
      isRetryable,
      logger: options.logger,
      clock: options.clock ?? systemClock,
      axiosDefaults: {
        maxContentLength: this.maxResponseBytes,
        maxBodyLength: 1024 * 1024,
        maxRedirects: 0,
        // The body as bytes: a sync stores them as they are and parses only a changed list;
        // we parse JSON ourselves so that a malformed body is an error, never a string.
        responseType: 'arraybuffer',
        transformResponse: [(data: unknown) => data],
        validateStatus: (status) => status >= 200 && status < 300,
      },
    });
  }

  async listTodos(options: CallOptions = {}): Promise<Todo[]> {
    return (await this.fetchTodoList(options)).parse();
  }

  async fetchTodoList(options: CallOptions = {}): Promise<FetchedTodoList> {
    const url = this.endpoint;
    const { body, requestId } = await this.send('GET', url, undefined, READ_PERMISSION, options);
    return {
      body,
      parse: () => {
        const parsed = parseTodoList(this.parseJson(body, 'GET', url, requestId));
        if (!parsed.ok) {
          throw new ApiError(
            `The API sent a body that is not a todo list (GET ${url}, request-id ${requestId}): ${parsed.problem}. Expected a JSON array of {id, owner, description}.`,
            { method: 'GET', url, requestId, status: 200 },
          );
        }
        return parsed.todos;
      },
    };
  }

  async addTodo(description: string, owner?: string, options: CallOptions = {}): Promise<Todo> {
    const payload = owner === undefined ? { description } : { description, owner };
    const url = this.endpoint;
    const { body, requestId } = await this.send('POST', url, payload, WRITE_PERMISSION, options);
    const parsed = parseTodo(this.parseJson(body, 'POST', url, requestId));
    if (!parsed.ok) {
      throw new ApiError(
        `The API answered the POST with a body that is not a todo (${this.endpoint}, request-id ${requestId}): ${parsed.problem}.`,
        { method: 'POST', url: this.endpoint, requestId },
      );
    }
    return parsed.todo;
  }

  /** Sends with a bearer token; on 401 fetches a fresh token once and tries once more. */
  private async send(
    method: 'GET' | 'POST',
    url: string,
    data: unknown,
    permission: string,
    { signal }: CallOptions = {},
  ): Promise<{ body: Buffer; requestId: string }> {
    let token = await this.tokens.getToken({ signal });
    for (let attempt = 1; ; attempt++) {
      const clientRequestId = randomUUID();
      try {
        const response = await this.http.request<Buffer>({
          method,
          url,
          data,
          headers: {
            Authorization: `Bearer ${token.token}`,
            Accept: 'application/json',
            'x-ms-client-request-id': clientRequestId,
          },
          // The caller's deadline: it ends the call, retries and waits included.
          todoSyncCall: newCall({ signal, idempotent: method !== 'POST' }),
        });
        return { body: response.data, requestId: requestIdOf(response, clientRequestId) };
      } catch (err) {
        if (attempt === 1 && err instanceof AxiosError && err.response?.status === 401) {
          this.logger.warn('API refused the access token (401); fetching a fresh token once', {
            method,
            url,
            tokenSource: token.source,
          });
          token = await this.tokens.getToken({ forceRefresh: true, signal });
          continue;
        }
        const status = err instanceof AxiosError ? err.response?.status : undefined;
        throw toApiError(err, {
          method,
          url,
          permission,
          clientRequestId,
          afterRefresh: attempt > 1,
          // Only a refusal of the token itself needs its claims explained.
          tokenClaims: status === 401 ? readPermissionClaims(token.token) : undefined,
          maxResponseBytes: this.maxResponseBytes,
          redactor: this.redactor,
        });
      }
    }
  }

  private parseJson(body: Buffer, method: string, url: string, requestId: string): unknown {
    try {
      return parseJsonBytes(body);
    } catch {
      throw new ApiError(
        `The API sent a body that is not valid JSON (${method} ${url}, request-id ${requestId}, ${body.length} bytes).`,
        { method, url, requestId, status: 200 },
      );
    }
  }
}
