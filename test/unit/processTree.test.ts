import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { descendants, runWithDeadline } from '../support/processTree.js';

// What `npm test` relies on to end a hung pass (test/support/runTests.ts). The hang is the real
// one: a test file that blocks its main thread and handles SIGTERM, under `node --test` with a
// --test-timeout the runner cannot enforce on it.
const HAS_PROC = existsSync('/proc/self/stat');

/** Live processes (anywhere) whose command line names `needle`. */
function processesNaming(needle: string): number[] {
  return descendants(1)
    .filter(({ commandLine }) => commandLine.includes(needle))
    .map(({ pid }) => pid);
}

void describe('runWithDeadline (the bound on a test pass)', () => {
  let dir = '';
  let hangs = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'todo-sync-deadline-'));
    hangs = join(dir, 'hangs.test.mjs');
    await writeFile(
      hangs,
      [
        "import test from 'node:test';",
        "process.on('SIGTERM', () => process.exit(1));",
        "test('blocks its main thread', () => {",
        '  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);',
        '});',
      ].join('\n'),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  void it(
    'ends a test process that --test-timeout cannot, with the runner over it, and names it',
    { skip: HAS_PROC ? false : 'reads the process tree from /proc (Linux)' },
    async () => {
      const run = runWithDeadline(
        process.execPath,
        ['--test', '--test-reporter=dot', '--test-timeout=300', hangs],
        // Without NODE_TEST_CONTEXT, which makes a `node --test` inside a test report to this one.
        {
          env: { ...process.env, NODE_TEST_CONTEXT: undefined },
          deadlineMs: 3000,
          output: 'ignore',
        },
      );
      const { code, timedOut, ended } = await run.exited;
      assert.equal(timedOut, true);
      assert.equal(code, 128 + 9, 'the runner was killed (SIGKILL)');
      assert.ok(
        ended.some((line) => line.includes(hangs)),
        `the hung test process is named among the ended: ${ended.join(' | ')}`,
      );
      // SIGKILL is delivered, and the dead reaped, a moment after the runner's exit is seen.
      for (let i = 0; i < 50 && processesNaming(hangs).length > 0; i++) await delay(100);
      assert.deepEqual(processesNaming(hangs), [], 'nothing of the pass is left running');
    },
  );

  void it('passes a finished command through: its code, no timeout, nothing ended', async () => {
    const run = runWithDeadline(process.execPath, ['-e', 'process.exitCode = 3'], {
      env: process.env,
      deadlineMs: 60_000,
    });
    assert.deepEqual(await run.exited, { code: 3, timedOut: false, ended: [] });
  });
});
