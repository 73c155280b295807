import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { emulateFunctionsHost, type EmulatedHost } from '../../stack/functionsHost.js';
import { captureStderr, syncRequest } from '../support/capture.js';
import { holdModule, type HeldModule } from '../support/holdModule.js';
import { startTestStack, type LocalStack } from '../support/stackForTests.js';
import { loadMainEntries } from '../support/testTarget.js';

/**
 * The OpenTelemetry SDK loads after the entry module has finished, so the worker reports its
 * functions without waiting for it; an invocation that comes before it has loaded waits for it,
 * and is recorded whole. The SDK's module is held here (a module hook) until the test lets it
 * load, or makes it fail as a broken package would.
 */
const SDK_MODULE = /\/telemetrySdk(-[A-Z0-9]+)?\.js$/;

function postSync(host: EmulatedHost, log: string[]) {
  return host.invoke('syncTodos', syncRequest('POST'), log);
}

let stack: LocalStack;
let host: EmulatedHost;
let sdk: HeldModule;
const stderr: string[] = [];
let restoreStderr: () => void;

describe('the OpenTelemetry SDK loads after the functions are registered', () => {
  before(async () => {
    stack = await startTestStack();
    Object.assign(process.env, stack.settings, stack.otlp.settings);
    restoreStderr = captureStderr(stderr);
    sdk = holdModule(SDK_MODULE);
    host = emulateFunctionsHost();
  });
  after(async () => {
    restoreStderr();
    await stack.stop();
  });

  it('registers every function and hook while the SDK is still loading', async () => {
    await loadMainEntries();
    assert.match(await sdk.asked, SDK_MODULE, 'the SDK load was started, and is held');
    assert.deepEqual([...host.functions.keys()].sort(), ['health', 'syncTodos', 'syncTodosTimer']);
    assert.deepEqual([...new Set(host.hookNames)].sort(), [
      'log',
      'postInvocation',
      'preInvocation',
    ]);
    assert.equal((await host.capabilities()).WorkerOpenTelemetryEnabled, 'true');
  });

  it('holds an invocation until the SDK has loaded, then records all of it', async () => {
    stack.api.resetRequests();
    const log: string[] = [];
    let settled = false;
    const running = postSync(host, log).finally(() => {
      settled = true;
    });
    // Long enough for a whole sync here (well under a second): the handler has not even
    // started, so the API has seen nothing.
    await delay(1500);
    assert.equal(settled, false, 'the invocation waits for the SDK');
    assert.deepEqual(stack.api.requests(), []);

    sdk.release();
    const run = await running;
    assert.equal(run.error, undefined, log.join('\n'));
    assert.equal((run.result as { status?: number }).status, 200, log.join('\n'));
    const [, traceId, parentId] = run.traceparent.split('-');
    const spans = stack.otlp.spans().filter((s) => s.traceId === traceId);
    const sync = spans.filter((s) => s.name === 'todo-sync.sync');
    assert.equal(sync.length, 1, 'the first invocation is traced');
    assert.equal(sync[0]?.parentSpanId, parentId, "under the host's invocation span");
    assert.ok(
      spans.some((s) => s.name === 'todo-sync.token'),
      'its token acquisition, which started first, too',
    );
    const records = stack.otlp.logRecords().filter((r) => r.traceId === traceId);
    assert.ok(
      records.some((r) => r.body.startsWith('sync started')),
      `its log lines go through OpenTelemetry: ${records.map((r) => r.body).join(' | ')}`,
    );
    assert.ok(stack.otlp.metrics().has('todo_sync.runs'), 'and its metrics');
    assert.deepEqual(
      stderr.filter((line) => line.includes('telemetry')),
      [],
    );
  });
});
