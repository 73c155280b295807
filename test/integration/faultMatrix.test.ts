// The fault matrix of issue 10, against the local stack: the identity provider, the API and
// storage stall (no answer, headers then nothing, a body trickled byte by byte), and every run
// must end within its documented bound, naming what it waited for, with its failure recorded,
// the last snapshot untouched, the lock free at once and no secret in any output. The bounds are
// scaled down (CALL_TIMEOUT_SECONDS=1, SYNC_TIMEOUT_SECONDS of a few seconds) so a stall costs
// seconds; each test prints the time its stall took to end. Key Vault and the managed-identity
// endpoint have files of their own (faultMatrix.vault, faultMatrix.managedIdentity).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, afterEach, before, describe, it } from 'node:test';
import { startCountingProxy, type CountingProxy } from '../../stack/countingProxy.js';
import type { LocalStack } from '../../stack/localStack.js';
import { runNodeScript } from '../../stack/runNodeScript.js';
import type { Stall } from '../../stack/stall.js';
import { findLeaks } from '../support/capture.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import {
  BlobInspector,
  CALL_TIMEOUT_SECONDS,
  RETRIED_CALL_BOUND_MS,
  SLACK_MS,
  expectBoundedFailure,
  faultRuntime,
  seed,
  stackSecrets,
} from '../support/faultMatrix.js';
import { startTestStack } from '../support/stackForTests.js';

let stack: LocalStack;
let proxy: CountingProxy;
let inspector: BlobInspector;

/** The product's settings: storage through the proxy that can stall it. */
function productSettings(): Record<string, string> {
  return { ...stack.settings, AzureWebJobsStorage: proxy.connectionString };
}

const secrets = () => stackSecrets(stack, [proxy.connectionString]);

/** A cold instance with the given run budget, on a container that already holds a snapshot. */
async function seededRuntime(runBudgetSeconds: number) {
  const run = faultRuntime(productSettings(), { runBudgetSeconds });
  await seed(productSettings(), run.container);
  return run;
}

/** The API's own list, trickled: it would be a good list if it ever arrived in full. */
const trickledList = (): Stall => ({
  mode: 'trickle',
  intervalMs: 200,
  body: JSON.stringify(stack.api.todos()),
});

const apiGets = () => stack.api.requests().filter((r) => r.method === 'GET');

/** Waits (a little) for the stalled exchanges the client gave up on to close on the server side. */
async function settles(active: () => number): Promise<number> {
  for (let i = 0; i < 50 && active() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return active();
}

describe('fault matrix: identity provider, API and storage stall', () => {
  before(async () => {
    stack = await startTestStack();
    proxy = await startCountingProxy(stack.azurite);
    inspector = new BlobInspector(stack.azurite.connectionString);
  });
  afterEach(() => {
    stack.api.faults.clear();
    stack.idp.tokenStalls.clear();
    proxy.stalls.clear();
  });
  after(async () => {
    await proxy.stop();
    await stack.stop();
  });

  // Row: "API body trickled one byte every 5 s: over 120 s (axios's timeout is an idle timer)".
  it('API body trickled: each attempt is cut at CALL_TIMEOUT_SECONDS, the call gives up after 4', async (t) => {
    const run = await seededRuntime(15);
    const gets = apiGets().length;
    stack.api.faults.next({ kind: 'stall', stall: trickledList(), method: 'GET', count: 10 });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'API body trickled (1 byte / 200 ms)',
      boundMs: Math.min(RETRIED_CALL_BOUND_MS, 15_000),
      name: 'ApiError',
      code: 'api',
      message:
        /^The API did not answer GET https:\/\/127\.0\.0\.1:\d+\/api\/todolist in time \(no complete answer within 1 s\); gave up after 4 attempts\./,
    });
    // Four attempts, none complete (a complete one would take the whole body's length x 200 ms).
    const stalled = apiGets().slice(gets);
    assert.equal(stalled.length, 4);
    assert.ok(stalled.every((r) => r.status === 0));
    assert.equal(await settles(() => stack.api.faults.stalledExchanges()), 0);
  });

  it('API accepts and never answers: the run budget ends the run, naming the API', async (t) => {
    const run = await seededRuntime(3);
    const gets = apiGets().length;
    stack.api.faults.next({ kind: 'stall', stall: { mode: 'noAnswer' }, method: 'GET', count: 10 });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'API never answers (run budget 3 s)',
      boundMs: 3_000,
      name: 'RunTimeoutError',
      code: 'timeout',
      message:
        /^The sync ran out of its 3 s budget \(SYNC_TIMEOUT_SECONDS\) while waiting for the ToDo list from the API \(its token included\) \(for \d+\.\d s\)\.$/,
    });
    // Attempts were cut at 1 s and retried inside the budget, not one wait of 3 s.
    assert.ok(apiGets().length - gets >= 2, 'the first attempt was cut at 1 s and retried');
    assert.equal(await settles(() => stack.api.faults.stalledExchanges()), 0);
  });

  it('API sends headers, then nothing: the body wait is bounded too', async (t) => {
    const run = await seededRuntime(3);
    const gets = apiGets().length;
    stack.api.faults.next({
      kind: 'stall',
      stall: { mode: 'stallAfterHeaders' },
      method: 'GET',
      count: 10,
    });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'API stalls after headers (run budget 3 s)',
      boundMs: 3_000,
      name: 'RunTimeoutError',
      code: 'timeout',
      message:
        /while waiting for the ToDo list from the API \(its token included\) \(for \d+\.\d s\)\.$/,
    });
    assert.ok(apiGets().length - gets >= 2, 'the first attempt was cut at 1 s and retried');
    assert.equal(await settles(() => stack.api.faults.stalledExchanges()), 0);
  });

  // Row: "token POST never answered: 301.7 s, then 'could not be reached' (the socket was reached)".
  it('token POST never answered: 4 bounded attempts, then "did not answer in time"', async (t) => {
    const run = await seededRuntime(15);
    const before = stack.idp.tokenRequests();
    stack.idp.tokenStalls.next({ mode: 'noAnswer', count: 10 });
    const { error } = await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'token POST never answered',
      boundMs: Math.min(RETRIED_CALL_BOUND_MS, 15_000),
      name: 'AuthError',
      code: 'auth',
      message:
        /^No token from the identity provider \(POST https:\/\/127\.0\.0\.1:\d+\/[^)?]+\/token(?:\?[^)]*)?\): it did not answer in time \(no complete answer within 1 s\); gave up after 4 attempts\./,
    });
    assert.doesNotMatch(error.message, /could not be reached/);
    assert.equal(stack.idp.tokenRequests() - before, 4);
    assert.equal(await settles(() => stack.idp.tokenStalls.active()), 0);
  });

  it('token endpoint sends headers, then nothing: bounded, the run budget names the wait', async (t) => {
    const run = await seededRuntime(3);
    stack.idp.tokenStalls.next({ mode: 'stallAfterHeaders', count: 10 });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'token endpoint stalls after headers (run budget 3 s)',
      boundMs: 3_000,
      name: 'RunTimeoutError',
      code: 'timeout',
      message: /ran out of its 3 s budget \(SYNC_TIMEOUT_SECONDS\) while waiting for the ToDo list/,
    });
    assert.ok(stack.idp.tokenStalls.started() >= 2, 'the first attempt was cut and retried');
    assert.equal(await settles(() => stack.idp.tokenStalls.active()), 0);
  });

  it('token answer trickled: cut per attempt', async (t) => {
    const run = await seededRuntime(3);
    const started = stack.idp.tokenStalls.started();
    stack.idp.tokenStalls.next({ mode: 'trickle', intervalMs: 200, count: 10 });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'token answer trickled (run budget 3 s)',
      boundMs: 3_000,
      name: 'RunTimeoutError',
      code: 'timeout',
      message: /while waiting for the ToDo list from the API \(its token included\)/,
    });
    assert.ok(stack.idp.tokenStalls.started() - started >= 2);
  });

  it('a token request answered 503 once is retried, and the run succeeds', async (t) => {
    const run = await seededRuntime(15);
    const before = stack.idp.tokenRequests();
    stack.idp.failNextTokenRequests(1, 503);
    const summary = await run.runtime.sync('cli');
    assert.equal(summary.count, stack.api.todos().length);
    assert.equal(stack.idp.tokenRequests() - before, 2);
    assert.ok(run.lines.some((l) => l.includes('identity provider call failed; retrying')));
    assert.equal((await inspector.lastRun(run.container))?.record.status, 'succeeded');
    await inspector.assertLockFree(run.container);
    assert.deepEqual(findLeaks(run.lines, secrets()), []);
    t.diagnostic(`503 then 200: ${(stack.idp.tokenRequests() - before).toString()} token requests`);
  });

  // Row: "storage accepts TCP, never answers: over 240 s".
  it('storage accepts and never answers: the first operation ends at CALL_TIMEOUT_SECONDS', async (t) => {
    const run = await seededRuntime(8);
    proxy.stalls.next({ mode: 'noAnswer', count: 1000 });
    const { error } = await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'storage never answers',
      boundMs: CALL_TIMEOUT_SECONDS * 1000,
      name: 'StorageError',
      code: 'storage',
      message: /^Blob Storage did not create the container "fault-matrix-\d+" within 1 s\.$/,
      storageStalled: true,
    });
    assert.ok(error.message.length > 0);
    // The lock was never taken: it is free.
    proxy.stalls.clear();
    await inspector.assertLockFree(run.container);
  });

  it('storage stalls once the lock is held: read, failure record and release each bounded; the lease frees itself', async (t) => {
    const run = await seededRuntime(8);
    // Everything after the lease is taken stalls, the release included.
    let leased = false;
    proxy.stalls.next({
      mode: 'noAnswer',
      count: 1000,
      match: ({ method, url }) => {
        if (leased) return true;
        if (method === 'PUT' && url.includes('comp=lease')) leased = true;
        return false;
      },
    });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'storage stalls after the lease (read + failure record + release)',
      // The snapshot read, then the failure record (bounded per operation, within the 10 s
      // cleanup bound), then the release: one CALL_TIMEOUT_SECONDS each.
      boundMs: 3 * CALL_TIMEOUT_SECONDS * 1000,
      name: 'StorageError',
      code: 'storage',
      message: /^Blob Storage did not read the last snapshot within 1 s\.$/,
      storageStalled: true,
    });
    assert.ok(run.lines.some((l) => l.includes('could not write the failure record')));
    assert.ok(
      run.lines.some((l) => l.includes('could not release the sync lock; it expires within 60 s')),
    );
    // The lock stays with the stalled storage, as a finite lease: it frees itself within 60 s.
    assert.deepEqual(await inspector.lease(run.container), { state: 'leased', duration: 'fixed' });
  });

  it('storage sends the snapshot download headers, then nothing: the body read is bounded', async (t) => {
    const run = await seededRuntime(8);
    proxy.stalls.next({
      mode: 'stallAfterHeaders',
      match: ({ method, url }) => method === 'GET' && url.includes('/snapshot/latest.json'),
    });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'storage download stalls after headers',
      boundMs: CALL_TIMEOUT_SECONDS * 1000,
      name: 'StorageError',
      code: 'storage',
      message: /^Blob Storage did not read the last snapshot within 1 s\.$/,
    });
    assert.equal(await settles(() => proxy.stalls.active()), 0);
  });

  it('storage trickles the snapshot download: cut at CALL_TIMEOUT_SECONDS', async (t) => {
    const run = await seededRuntime(8);
    proxy.stalls.next({
      mode: 'trickle',
      intervalMs: 200,
      match: ({ method, url }) => method === 'GET' && url.includes('/snapshot/latest.json'),
    });
    await expectBoundedFailure(t, run, inspector, secrets, {
      label: 'storage download trickled',
      boundMs: CALL_TIMEOUT_SECONDS * 1000,
      name: 'StorageError',
      code: 'storage',
      message: /^Blob Storage did not read the last snapshot within 1 s\.$/,
    });
    assert.equal(await settles(() => proxy.stalls.active()), 0);
  });

  it('the CLI under a stalled API: exit 1 within the budget, the wait named, no secret printed', async (t) => {
    const run = await seededRuntime(3);
    stack.api.faults.next({ kind: 'stall', stall: { mode: 'noAnswer' }, method: 'GET', count: 10 });
    const cwd = await mkdtemp(join(tmpdir(), 'todo-sync-fault-matrix-'));
    try {
      const started = performance.now();
      const cli = await runCliProcess(['--op', 'sync', '--verbose'], {
        env: {
          ...cliBaseEnv(),
          ...productSettings(),
          SYNC_CONTAINER: run.container,
          CALL_TIMEOUT_SECONDS: '1',
          SYNC_TIMEOUT_SECONDS: '3',
        },
        cwd,
      });
      const elapsedMs = performance.now() - started;
      t.diagnostic(
        `CLI --op sync, API never answers (run budget 3 s): exit ${String(cli.code)} after ${(elapsedMs / 1000).toFixed(2)} s, process start included (bound 3 s + ${(SLACK_MS / 1000).toString()} s slack)`,
      );
      assert.equal(cli.code, 1, cli.stderr);
      assert.equal(cli.stdout, '');
      assert.match(cli.stderr, /while waiting for the ToDo list from the API/);
      assert.ok(elapsedMs <= 3_000 + SLACK_MS);
      assert.deepEqual(findLeaks([cli.stdout, cli.stderr], secrets()), []);
      const record = await inspector.lastRun(run.container);
      assert.equal(record?.record.status === 'failed' && record.record.error.code, 'timeout');
      await inspector.assertLockFree(run.container);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  // azure-pitfalls.md: on Node 20 AbortSignal.any with an unreferenced AbortSignal.timeout stops
  // firing after garbage collection. The deadlines must survive a forced gc() mid-wait.
  it('deadlines still fire with garbage collection forced mid-wait (--expose-gc)', async (t) => {
    const run = await seededRuntime(3);
    const gets = apiGets().length;
    stack.api.faults.next({ kind: 'stall', stall: { mode: 'noAnswer' }, method: 'GET', count: 10 });
    const child = await runGcChild({
      ...productSettings(),
      SYNC_CONTAINER: run.container,
      CALL_TIMEOUT_SECONDS: '1',
      SYNC_TIMEOUT_SECONDS: '3',
    });
    t.diagnostic(
      `under --expose-gc (${child.gcRuns.toString()} forced collections): the sync ended after ${(child.elapsedMs / 1000).toFixed(2)} s (bound 3 s + slack) with ${child.name}; boundedSignal fired: ${String(child.boundedFired)}; control AbortSignal.any(timeout) fired: ${String(child.controlFired)}`,
    );
    assert.equal(child.boundedFired, true, 'the product signal fired after gc()');
    assert.ok(child.gcRuns > 10);
    assert.equal(child.name, 'RunTimeoutError');
    assert.match(child.message, /while waiting for the ToDo list from the API/);
    assert.ok(child.elapsedMs <= 3_000 + SLACK_MS);
    // The per-attempt bound fired under gc too: the first attempt was cut at 1 s and retried.
    assert.ok(apiGets().length - gets >= 2);
    const record = await inspector.lastRun(run.container);
    assert.equal(record?.record.status === 'failed' && record.record.error.code, 'timeout');
    await inspector.assertLockFree(run.container);
  });
});

interface GcChildResult {
  name: string;
  message: string;
  elapsedMs: number;
  gcRuns: number;
  boundedFired: boolean;
  controlFired: boolean;
}

/** Runs test/support/gcDeadlineChild in a process of its own with --expose-gc. */
async function runGcChild(settings: Record<string, string>): Promise<GcChildResult> {
  const script = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'support',
    'gcDeadlineChild.js',
  );
  const run = await runNodeScript(script, [], {
    env: {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS,
      TODO_SYNC_TEST_SETTINGS: JSON.stringify(settings),
    },
    cwd: process.cwd(),
    nodeOptions: ['--expose-gc'],
  });
  if (run.code !== 0) {
    throw new Error(`gcDeadlineChild exited with ${String(run.code)}: ${run.stderr}`);
  }
  try {
    return JSON.parse(run.stdout) as GcChildResult;
  } catch {
    throw new Error(`gcDeadlineChild printed no result: ${run.stdout} ${run.stderr}`);
  }
}
