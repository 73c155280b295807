import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffTodos } from '../../src/sync/diffTodos.js';

const todo = (id: number | string, description = `task ${id}`, owner = 'o') => ({
  id,
  owner,
  description,
});

describe('diffTodos', () => {
  it('finds added, removed and changed todos by id', () => {
    const diff = diffTodos([todo(1), todo(2), todo(3, 'old')], [todo(1), todo(3, 'new'), todo(4)]);
    assert.deepEqual(diff, { added: [4], removed: [2], changed: [3] });
  });

  it('reports no change for the same list in another order', () => {
    assert.deepEqual(diffTodos([todo(1), todo(2)], [todo(2), todo(1)]), {
      added: [],
      removed: [],
      changed: [],
    });
  });

  it('treats an owner change as a change', () => {
    assert.deepEqual(diffTodos([todo(1, 'x', 'a')], [todo(1, 'x', 'b')]).changed, [1]);
  });

  it('keeps ids in their JSON type and does not confuse 1 with "1"', () => {
    const diff = diffTodos([todo(1)], [todo('1')]);
    assert.deepEqual(diff, { added: ['1'], removed: [1], changed: [] });
    assert.equal(typeof diff.removed[0], 'number');
  });

  it('treats everything as added when there is no previous snapshot', () => {
    assert.deepEqual(diffTodos([], [todo(1), todo(2)]).added, [1, 2]);
  });

  it('does not count a change in other properties as a change', () => {
    const diff = diffTodos([{ ...todo(1), done: false }], [{ ...todo(1), done: true }]);
    assert.deepEqual(diff.changed, []);
  });
});
