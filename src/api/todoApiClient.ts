import { randomUUID } from 'node:crypto';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import type { TokenProvider } from '../auth/tokenProvider.js';
import { ApiError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { processRedactor, type Redactor } from '../logging/redact.js';
import { READ_PERMISSION, requestIdOf, toApiError, WRITE_PERMISSION } from './apiErrors.js';
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  planRetry,
  type RetryPolicy,
} from './retryPolicy.js';
import { parseJsonBytes } from './jsonBody.js';
import { readPermissionClaims } from './permissionClaims.js';
import { parseTodo, parseTodoList, type Todo } from './todo.js';

/** Per-call retry bookkeeping carried on the axios config from one attempt to the next. */
interface RetryState {
  idempotent: boolean;
  waitedMs: number;
  nextDelayMs: number;
  giveUpReason?: string;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    todoSyncRetry?: RetryState;
  }
}

export interface TodoApiClientOptions {
  /** Full URL of the list endpoint. */
  readonly endpoint: string;
  readonly tokens: TokenProvider;
  readonly logger: Logger;
  /** Per-attempt timeout, connection included. */
  readonly timeoutMs?: number;
  /** Largest response body accepted. */
  readonly maxResponseBytes?: number;
  readonly retry?: RetryPolicy;
  /** Scrubs what the API writes into its error answers (default: the process's redactor). */
  readonly redactor?: Redactor;
}

/** The list as the API sent it; parsed and validated only when asked. */
export interface FetchedTodoList {
  /** The body exactly as received. */
  readonly body: Buffer;
  /** Parses and validates the body; throws an ApiError naming what is wrong with it. */
  parse(): Todo[];
}

/** The calls todo-sync makes to the protected ToDo list API. */
export interface TodoApi {
  /** GET the list (needs ToDoList.Read.All or ToDoList.ReadWrite.All). */
  listTodos(): Promise<Todo[]>;
  /**
   * GET the list without parsing it: a sync first checks whether the bytes are the ones it
   * stored last time, and parses only when they are not.
   */
  fetchTodoList(options?: { signal?: AbortSignal }): Promise<FetchedTodoList>;
  /** POST a new todo (needs ToDoList.ReadWrite.All). */
  addTodo(description: string, owner?: string): Promise<Todo>;
}

/** Errors that prove the request never reached the API, so even a POST may be retried. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isRetryable(error: AxiosError, idempotent: boolean): boolean {
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
    this.redactor = options.redactor ?? processRedactor;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
    const policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.http = axios.create({
      timeout: options.timeoutMs ?? 15_000,
      maxContentLength: this.maxResponseBytes,
      maxBodyLength: 1024 * 1024,
      maxRedirects: 0,
      // The body as bytes: a sync stores them as they are and parses only a changed list;
      // we parse JSON ourselves so that a malformed body is an error, never a string.
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      validateStatus: (status) => status >= 200 && status < 300,
    });
    axiosRetry(this.http, {
      retries: policy.maxAttempts - 1,
      shouldResetTimeout: true,
      retryCondition: (error) => {
        const state = error.config?.todoSyncRetry;
        if (!state || !isRetryable(error, state.idempotent)) return false;
        const decision = planRetry(policy, {
          retryNumber: (error.config?.['axios-retry']?.retryCount ?? 0) + 1,
          retryAfterMs: parseRetryAfter(
            error.response?.headers['retry-after'] as string | undefined,
            Date.now(),
          ),
          waitedMs: state.waitedMs,
          random: Math.random(),
        });
        if (!decision.retry) {
          state.giveUpReason = decision.reason;
          return false;
        }
        state.nextDelayMs = decision.delayMs;
        return true;
      },
      retryDelay: (_count, error) => error.config?.todoSyncRetry?.nextDelayMs ?? 0,
      onRetry: (count, error, config) => {
        const state = config.todoSyncRetry;
        if (state) state.waitedMs += state.nextDelayMs;
        this.logger.warn('API call failed; retrying', {
          method: config.method?.toUpperCase(),
          url: config.url,
          status: error.response?.status ?? error.code,
          retry: count,
          delayMs: Math.round(state?.nextDelayMs ?? 0),
        });
      },
    });
  }

  async listTodos(): Promise<Todo[]> {
    return (await this.fetchTodoList()).parse();
  }

  async fetchTodoList(options: { signal?: AbortSignal } = {}): Promise<FetchedTodoList> {
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

  async addTodo(description: string, owner?: string): Promise<Todo> {
    const payload = owner === undefined ? { description } : { description, owner };
    const url = this.endpoint;
    const { body, requestId } = await this.send('POST', url, payload, WRITE_PERMISSION);
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
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<{ body: Buffer; requestId: string }> {
    let token = await this.tokens.getToken();
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
          todoSyncRetry: { idempotent: method !== 'POST', waitedMs: 0, nextDelayMs: 0 },
          // An aborted call is not retried (ERR_CANCELED).
          signal,
        });
        return { body: response.data, requestId: requestIdOf(response, clientRequestId) };
      } catch (err) {
        if (attempt === 1 && err instanceof AxiosError && err.response?.status === 401) {
          this.logger.warn('API refused the access token (401); fetching a fresh token once', {
            method,
            url,
            tokenSource: token.source,
          });
          token = await this.tokens.getToken({ forceRefresh: true });
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
