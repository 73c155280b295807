import type { CallOptions } from '../../src/core/callOptions.js';
import { parseJsonBytes } from '../../src/core/jsonBody.js';
import { parseTodoList, type Todo } from '../../src/core/todo.js';
import type { FetchedTodoList, TodoApi } from '../../src/core/todoApi.js';
import { ApiError } from '../../src/errors.js';

/**
 * The TodoApi port over a body held in memory, for unit tests of the sync. Each GET answers the
 * body as it is when the GET starts (any bytes: set `body`); the next GET can fail or hang
 * instead (a hung GET ends only when its signal aborts). `gets` records each GET's signal and
 * whether it was aborted; `inFlight` counts the GETs not ended yet. Like the real client, a body
 * that is not a todo list fails its parse with an ApiError.
 */
export class FakeTodoApi implements TodoApi {
  body: Buffer;
  readonly gets: { signal: AbortSignal | undefined; aborted: boolean }[] = [];
  inFlight = 0;
  private next: 'fail' | 'hang' | 'deaf' | undefined;

  constructor(todos: readonly Todo[]) {
    this.body = Buffer.from(JSON.stringify(todos));
  }

  setTodos(todos: readonly Todo[]): void {
    this.body = Buffer.from(JSON.stringify(todos));
  }

  failNextGet(): void {
    this.next = 'fail';
  }

  hangNextGet(): void {
    this.next = 'hang';
  }

  /** The next GET never ends, whatever its signal says: an SDK that drops the signal. */
  hangDeafNextGet(): void {
    this.next = 'deaf';
  }

  /** Drops a fault no GET has taken yet. */
  clearFaults(): void {
    this.next = undefined;
  }

  async fetchTodoList(options: CallOptions = {}): Promise<FetchedTodoList> {
    this.inFlight += 1;
    try {
      return await this.get(options);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async get({ signal }: CallOptions): Promise<FetchedTodoList> {
    const get = { signal, aborted: false };
    this.gets.push(get);
    const body = this.body;
    const fault = this.next;
    this.next = undefined;
    await new Promise((resolve) => setImmediate(resolve));
    const abortable = () =>
      new Promise<never>((_resolve, reject) => {
        const onAbort = () => {
          get.aborted = true;
          reject(new ApiError('GET aborted', { method: 'GET', url: 'fake' }));
        };
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    if (fault === 'hang') return abortable();
    if (fault === 'deaf') return new Promise<never>(() => undefined);
    if (fault === 'fail') {
      throw new ApiError('The API failed GET fake with 500.', {
        method: 'GET',
        url: 'fake',
        status: 500,
      });
    }
    if (signal?.aborted) return abortable();
    return {
      body,
      parse: () => {
        let json: unknown;
        try {
          json = parseJsonBytes(body);
        } catch {
          throw new ApiError('The API sent a body that is not valid JSON.', {
            method: 'GET',
            url: 'fake',
          });
        }
        const parsed = parseTodoList(json);
        if (!parsed.ok) throw new ApiError(parsed.problem, { method: 'GET', url: 'fake' });
        return parsed.todos;
      },
    };
  }

  async listTodos(options?: CallOptions): Promise<Todo[]> {
    return (await this.fetchTodoList(options)).parse();
  }

  addTodo(): Promise<Todo> {
    return Promise.reject(new Error('not used by the sync'));
  }
}
