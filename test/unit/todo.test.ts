import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTodoList } from '../../src/core/todo.js';

describe('parseTodoList', () => {
  it('accepts the API contract and keeps id types and extra fields', () => {
    const r = parseTodoList([
      { id: 1, owner: 'o', description: 'd', extra: true },
      { id: 'x', owner: 'o', description: 'e' },
    ]);
    assert.ok(r.ok);
    assert.deepEqual(r.todos[0], { id: 1, owner: 'o', description: 'd', extra: true });
    assert.equal(typeof r.todos[1]?.id, 'string');
  });

  it('rejects a body that is not a list, naming the problem', () => {
    const r = parseTodoList({ not: 'a list' });
    assert.deepEqual(r, { ok: false, problem: 'expected a JSON array, got object' });
  });

  it('rejects items without the contract fields', () => {
    const r = parseTodoList([{ id: 1, owner: 'o' }]);
    assert.equal(r.ok, false);
    assert.match(r.problem, /^item 0\.description/);
  });

  it('rejects duplicate ids and non-integer numeric ids', () => {
    const dup = parseTodoList([
      { id: 1, owner: 'o', description: 'a' },
      { id: 1, owner: 'o', description: 'b' },
    ]);
    assert.match(dup.ok ? '' : dup.problem, /id 1 appears twice/);
    assert.equal(parseTodoList([{ id: 1.5, owner: 'o', description: 'a' }]).ok, false);
  });

  it('finds a repeated id wherever the ids stop ascending', () => {
    const list = (...ids: (number | string)[]) =>
      parseTodoList(ids.map((id) => ({ id, owner: 'o', description: 'd' })));
    const problem = (r: ReturnType<typeof parseTodoList>) => (r.ok ? '' : r.problem);
    assert.match(problem(list(1, 2, 3, 2)), /^id 2 appears twice$/);
    assert.match(problem(list(1, 2, 3, 0, 5, 3)), /^id 3 appears twice$/);
    assert.match(problem(list('a', 'b', 'a')), /^id "a" appears twice$/);
    assert.match(problem(list(3, 1, 2, 1)), /^id 1 appears twice$/);
    assert.equal(list(1, '1', 2, '2').ok, true, '1 and "1" are different ids');
    assert.equal(list(5, 4, 3, 2, 1).ok, true);
  });
});
