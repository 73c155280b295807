// The lists the bench serves from the local ToDo API: deterministic, about 110 bytes a todo.
import type { Todo } from '../../stack/todoApi.js';

const OWNERS = [
  '3f2b8c1e-9a4d-4e6b-8c7f-1d2e3a4b5c6d',
  '9b1c2d3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e',
  'c0ffee00-1234-4abc-9def-0123456789ab',
];
const TASKS = ['Pick up groceries', 'Call the plumber', 'Renew the passport', 'Water the plants'];

const base = new Map<number, Todo[]>();

/**
 * `count` todos. With `edit` > 0 the middle one's description carries that number: any two
 * different edits differ in exactly one todo, so each sync after a new edit sees one change.
 */
export function todoList(count: number, edit = 0): Todo[] {
  let list = base.get(count);
  if (!list) {
    list = Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      owner: OWNERS[i % OWNERS.length] ?? '',
      description: `${TASKS[i % TASKS.length] ?? ''} (task ${i + 1} of the week)`,
    }));
    base.set(count, list);
  }
  if (edit === 0) return list;
  const edited = [...list];
  const index = Math.floor(count / 2);
  const original = list[index];
  if (original)
    edited[index] = { ...original, description: `${original.description}, edit ${edit}` };
  return edited;
}
