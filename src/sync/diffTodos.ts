import { todoKey, type Todo, type TodoId } from '../api/todo.js';

export interface TodoDiff {
  readonly added: TodoId[];
  readonly removed: TodoId[];
  readonly changed: TodoId[];
}

/** Compares two lists by id; a todo is changed when its owner or description differs. */
export function diffTodos(previous: readonly Todo[], current: readonly Todo[]): TodoDiff {
  const before = new Map(previous.map((t) => [todoKey(t.id), t]));
  const added: TodoId[] = [];
  const changed: TodoId[] = [];
  for (const todo of current) {
    const key = todoKey(todo.id);
    const old = before.get(key);
    if (!old) added.push(todo.id);
    else if (old.owner !== todo.owner || old.description !== todo.description)
      changed.push(todo.id);
    before.delete(key);
  }
  const removed = [...before.values()].map((t) => t.id);
  return { added, removed, changed };
}
