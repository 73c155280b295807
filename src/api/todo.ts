import { z } from 'zod';

/** A todo id keeps the API's JSON type: integers in Microsoft's ToDoListAPI, strings elsewhere. */
export type TodoId = number | string;

const todoSchema = z.looseObject({
  id: z.union([z.number().int(), z.string().min(1)]),
  owner: z.string(),
  description: z.string(),
});

/** An item of the ToDo list API. Extra properties the API sends are kept as they are. */
export type Todo = z.infer<typeof todoSchema>;

const todoListSchema = z.array(todoSchema);

/** A stable key for an id that keeps 1 and "1" apart. */
export function todoKey(id: TodoId): string {
  return typeof id === 'number' ? `n:${id}` : `s:${id}`;
}

/**
 * Validates a parsed body as a todo list. Returns the problem in words (never the body's
 * content) when it is not one, so a bad body becomes an error instead of data.
 */
export function parseTodoList(
  body: unknown,
): { ok: true; todos: Todo[] } | { ok: false; problem: string } {
  if (!Array.isArray(body)) {
    return {
      ok: false,
      problem: `expected a JSON array, got ${body === null ? 'null' : typeof body}`,
    };
  }
  const parsed = todoListSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `item ${issue.path.join('.')}` : 'the list';
    return { ok: false, problem: `${where}: ${issue?.message ?? 'invalid'}` };
  }
  const seen = new Set<string>();
  for (const todo of parsed.data) {
    const key = todoKey(todo.id);
    if (seen.has(key)) return { ok: false, problem: `id ${JSON.stringify(todo.id)} appears twice` };
    seen.add(key);
  }
  return { ok: true, todos: parsed.data };
}

/** Validates one todo (the body of a POST or GET by id). */
export function parseTodo(
  body: unknown,
): { ok: true; todo: Todo } | { ok: false; problem: string } {
  const parsed = todoSchema.safeParse(body);
  if (parsed.success) return { ok: true, todo: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    problem: `${issue?.path.join('.') || 'the item'}: ${issue?.message ?? 'invalid'}`,
  };
}
