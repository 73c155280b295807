import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTodo, parseTodoList } from '../../src/core/todo.js';

// The hand-rolled checks in src/api/todo.ts (which replaced a zod schema for speed) must
// accept and refuse exactly what the contract says, and name the problem, never the content.
describe('todo validation', () => {
  it('returns the body items themselves, unchanged', () => {
    const body = [{ id: 1, owner: 'o', description: 'd', extra: { nested: true } }];
    const r = parseTodoList(body);
    assert.ok(r.ok);
    assert.equal(r.todos[0], body[0]);
  });

  it('keeps 1 and "1" apart', () => {
    const r = parseTodoList([
      { id: 1, owner: 'o', description: 'a' },
      { id: '1', owner: 'o', description: 'b' },
    ]);
    assert.ok(r.ok);
  });

  it('names the item and field at fault, without its value', () => {
    const cases: [unknown[], RegExp][] = [
      [[null], /^item 0: expected an object, got null$/],
      [[[1]], /^item 0: expected an object, got an array$/],
      [
        [{ id: '', owner: 'o', description: 'd' }],
        /^item 0\.id: expected an integer or a non-empty string, got string$/,
      ],
      [[{ id: 2 ** 53, owner: 'o', description: 'd' }], /^item 0\.id: .*not a safe integer$/],
      [
        [
          { id: 1, owner: 'o', description: 'd' },
          { id: 2, owner: 7, description: 'd' },
        ],
        /^item 1\.owner: expected a string, got number$/,
      ],
      [
        [
          { id: 1, owner: 'o', description: 'secret text' },
          { id: 1, owner: 'o', description: 'x' },
        ],
        /^id 1 appears twice$/,
      ],
    ];
    for (const [body, problem] of cases) {
      const r = parseTodoList(body);
      assert.ok(!r.ok);
      assert.match(r.problem, problem);
    }
  });

  it('never shows the content of what it refuses', () => {
    // Every field of every refused body holds this, including the value at fault.
    const content = 'private-content-1f3e';
    const item = { id: 7, owner: content, description: content };
    const refused: unknown[] = [
      [content],
      [{ ...item, id: { content } }],
      [{ ...item, id: [content] }],
      [{ ...item, owner: [content] }],
      [{ ...item, owner: { content } }],
      [{ ...item, description: { content } }],
      [{ ...item, description: [content] }],
      [item, { ...item }],
      { content },
      content,
    ];
    for (const body of refused) {
      const r = parseTodoList(body);
      assert.ok(!r.ok, JSON.stringify(body));
      assert.ok(r.problem.length > 0);
      assert.ok(!r.problem.includes(content), r.problem);
    }
    for (const body of [content, { ...item, owner: { content } }, { ...item, id: [content] }]) {
      const r = parseTodo(body);
      assert.ok(!r.ok, JSON.stringify(body));
      assert.ok(!r.problem.includes(content), r.problem);
    }
  });

  it('validates a single todo the same way', () => {
    assert.deepEqual(parseTodo({ id: 'a', owner: 'o', description: 'd' }), {
      ok: true,
      todo: { id: 'a', owner: 'o', description: 'd' },
    });
    assert.deepEqual(parseTodo('text'), {
      ok: false,
      problem: 'the item: expected an object, got string',
    });
    assert.deepEqual(parseTodo({ id: 1, owner: 'o' }), {
      ok: false,
      problem: 'description: expected a string, got undefined',
    });
  });
});
