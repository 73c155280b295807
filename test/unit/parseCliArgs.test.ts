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
    const owner = '3F2B8C1E-9a4d-4e6b-8c7f-1d2e3a4b5c6d';
    assert.deepEqual(parseCliArgs(['--op', 'addToDo', '--description', 'x', '--owner', owner]), {
      op: 'addToDo',
      verbose: false,
      description: 'x',
      owner,
    });
    assert.deepEqual(parseCliArgs(['--op', 'addToDo', '--description', 'x']), {
      op: 'addToDo',
      verbose: false,
      description: 'x',
      owner: undefined,
    });
  });

  it('refuses an --owner that is not a GUID, naming the option and the form, not the value', () => {
    for (const owner of [
      'me',
      '',
      '3f2b8c1e9a4d4e6b8c7f1d2e3a4b5c6d',
      '{3f2b8c1e-9a4d-4e6b-8c7f-1d2e3a4b5c6d}',
      '3f2b8c1e-9a4d-4e6b-8c7f-1d2e3a4b5c6g',
      '3f2b8c1e-9a4d-4e6b-8c7f-1d2e3a4b5c6d0',
    ]) {
      assert.throws(
        () => parseCliArgs(['--op', 'addToDo', '--description', 'x', '--owner', owner]),
        (err: unknown) =>
          err instanceof UsageError &&
          exitCodeFor(err) === 2 &&
          err.message.startsWith(
            "--owner must be a GUID, the owner's object ID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
          ) &&
          (owner === '' || !err.message.includes(owner)),
        owner,
      );
    }
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
