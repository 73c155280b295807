import type { Todo, TodoId } from '../core/todo.js';

export interface TodoDiff {
  readonly added: TodoId[];
  readonly removed: TodoId[];
  readonly changed: TodoId[];
}

/**
 * Whether two todos hold the same content: owner and description, the fields the API defines.
 * Other properties an API may add are kept in the snapshot (it is stored whenever the body's
 * bytes change) but do not make a todo count as changed.
 */
function sameContent(a: Todo, b: Todo): boolean {
  return a.owner === b.owner && a.description === b.description;
}

/**
 * Compares two lists by id; a todo is changed when its owner or description differs. Ids are
 * Map keys as they are: SameValueZero keeps 1 and "1" apart without a key string per item.
 */
export function diffTodos(previous: readonly Todo[], current: readonly Todo[]): TodoDiff {
  // An API returns its list in a stable order: walk both lists while the ids line up, and
  // index only what is left (usually nothing), instead of building a Map of every todo.
  const changed: TodoId[] = [];
  let start = 0;
  while (start < previous.length && start < current.length) {
    const before = previous[start];
    const now = current[start];
    if (before === undefined || now === undefined || before.id !== now.id) break;
    if (!sameContent(before, now)) changed.push(now.id);
    start++;
  }
  const before = new Map<TodoId, Todo>();
  for (let i = start; i < previous.length; i++) {
    const todo = previous[i];
    if (todo) before.set(todo.id, todo);
  }
  const added: TodoId[] = [];
  for (let i = start; i < current.length; i++) {
    const todo = current[i];
    if (!todo) continue;
    const old = before.get(todo.id);
    if (!old) added.push(todo.id);
    else if (!sameContent(old, todo)) changed.push(todo.id);
    before.delete(todo.id);
  }
  const removed = [...before.keys()];
  return { added, removed, changed };
}
