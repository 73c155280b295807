import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTodoList } from '../../src/api/todo.js';

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
});
