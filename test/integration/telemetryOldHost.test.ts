import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/package/paths.js';
import { emulateFunctionsHost, type EmulatedHost } from '../../stack/functionsHost.js';
import { captureStderr, syncRequest } from '../support/capture.js';
import { startTestStack, type LocalStack } from '../support/stackForTests.js';
import { loadMainEntries } from '../support/testTarget.js';

/**
 * A host before 4.34 (Node worker before 3.10) has no log hooks: registering one throws, and the
 * Functions OpenTelemetry instrumentation registers one. The app must still load, warn once, tell
 * the host it does not send the worker's logs itself, and still run each invocation in the
 * host's trace context.
 */
let stack: LocalStack;
let host: EmulatedHost;
const stderr: string[] = [];
let restoreStderr: () => void;

describe('telemetry on a host without log hooks (before 4.34)', () => {
  before(async () => {
    stack = await startTestStack();
    Object.assign(process.env, stack.settings, stack.otlp.settings);
    restoreStderr = captureStderr(stderr);
    host = emulateFunctionsHost({ logHooks: false });
    await loadMainEntries(REPO_ROOT);
  });
  after(async () => {
    restoreStderr();
    await stack.stop();
  });

  it('loads every function and warns once', async () => {
    assert.deepEqual([...host.functions.keys()].sort(), ['health', 'syncTodos', 'syncTodosTimer']);
    assert.ok(!host.hookNames.includes('log'));
    assert.ok(
      host.hookNames.includes('preInvocation') && host.hookNames.includes('postInvocation'),
    );
    const warnings = stderr.filter((line) => line.includes('telemetry'));
    assert.equal(warnings.length, 1, warnings.join(''));
    assert.match(
      warnings[0] ?? '',
      /^todo-sync: warning: telemetry: worker logs are not sent through OpenTelemetry \(Log hooks require Azure Functions Host v4\.34 or higher\.\); traces and metrics are\n$/,
    );
    // The host keeps sending the worker's logs: it is never told otherwise.
    assert.notEqual((await host.capabilities()).WorkerOpenTelemetryEnabled, 'true');
  });

  it("still runs each invocation in the host's trace context, and exports it", async () => {
    for (let i = 0; i < 2; i++) {
      const log: string[] = [];
      const run = await host.invoke('syncTodos', syncRequest('POST'), log);
      assert.equal(run.error, undefined);
      assert.equal((run.result as { status?: number }).status, 200, log.join('\n'));
      const [, traceId, parentId] = run.traceparent.split('-');
      const sync = stack.otlp
        .spans()
        .filter((s) => s.traceId === traceId && s.name === 'todo-sync.sync');
      assert.equal(sync.length, 1);
      assert.equal(sync[0]?.parentSpanId, parentId);
      assert.ok(log.some((line) => line.startsWith('[information] sync started')));
    }
    assert.equal(
      stderr.filter((line) => line.includes('telemetry')).length,
      1,
      'still one warning after invocations',
    );
    // The host sends the worker's logs: none goes through OpenTelemetry twice.
    assert.deepEqual(stack.otlp.logRecords(), []);
  });
});
