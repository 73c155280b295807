import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCliArgs } from '../../src/cli/parseCliArgs.js';
import { exitCodeFor } from '../../src/cli/runCli.js';
import { UsageError } from '../../src/errors.js';

describe('parseCliArgs', () => {
  it("accepts the tutorial's --op getToDos", () => {
    assert.deepEqual(parseCliArgs(['--op', 'getToDos']), { op: 'getToDos', verbose: false });
  });

  it('parses addToDo with description and owner', () => {
    assert.deepEqual(parseCliArgs(['--op', 'addToDo', '--description', 'x', '--owner', 'me']), {
      op: 'addToDo',
      verbose: false,
      description: 'x',
      owner: 'me',
    });
  });

  it('refuses unknown ops, missing ops and stray arguments with exit code 2', () => {
    for (const argv of [
      ['--op', 'deleteAll'],
      [],
      ['--op', 'sync', '--bogus'],
      ['--op', 'addToDo'],
    ]) {
      assert.throws(
        () => parseCliArgs(argv),
        (err: unknown) => err instanceof UsageError && exitCodeFor(err) === 2,
        argv.join(' '),
      );
    }
  });
});
