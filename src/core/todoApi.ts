import type { CallOptions } from './callOptions.js';
import type { Todo } from './todo.js';

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
  listTodos(options?: CallOptions): Promise<Todo[]>;
  /**
   * GET the list without parsing it: a sync first checks whether the bytes are the ones it
   * stored last time, and parses only when they are not.
   */
  fetchTodoList(options?: CallOptions): Promise<FetchedTodoList>;
  /** POST a new todo (needs ToDoList.ReadWrite.All). */
  addTodo(description: string, owner?: string, options?: CallOptions): Promise<Todo>;
}
