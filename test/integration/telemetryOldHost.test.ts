import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/package/paths.js';
import { syncRequest } from '../support/capture.js';
import { startHostedApp, type HostedApp } from '../support/hostedApp.js';

/**
 * A host before 4.34 (Node worker before 3.10) has no log hooks: registering one throws, and the
 * Functions OpenTelemetry instrumentation registers one. The app must still load, warn once, tell
 * the host it does not send the worker's logs itself, and still run each invocation in the
 * host's trace context.
 */
let app: HostedApp;

describe('telemetry on a host without log hooks (before 4.34)', () => {
  before(async () => {
    app = await startHostedApp({ host: { logHooks: false }, root: REPO_ROOT });
  });
  after(() => app.stop());

  it('loads every function and warns once', async () => {
    assert.deepEqual([...app.host.functions.keys()].sort(), [
      'health',
      'syncTodos',
      'syncTodosTimer',
    ]);
    assert.ok(!app.host.hookNames.includes('log'));
    assert.ok(
      app.host.hookNames.includes('preInvocation') && app.host.hookNames.includes('postInvocation'),
    );
    const warnings = app.telemetryLines();
    assert.equal(warnings.length, 1, warnings.join(''));
    assert.match(
      warnings[0] ?? '',
      /^todo-sync: warning: telemetry: worker logs are not sent through OpenTelemetry \(Log hooks require Azure Functions Host v4\.34 or higher\.\); traces and metrics are\n$/,
    );
    // The host keeps sending the worker's logs: it is never told otherwise.
    assert.notEqual((await app.host.capabilities()).WorkerOpenTelemetryEnabled, 'true');
  });

  it("still runs each invocation in the host's trace context, and exports it", async () => {
    for (let i = 0; i < 2; i++) {
      const log: string[] = [];
      const run = await app.host.invoke('syncTodos', syncRequest('POST'), log);
      assert.equal(run.error, undefined);
      assert.equal((run.result as { status?: number }).status, 200, log.join('\n'));
      const [, traceId, parentId] = run.traceparent.split('-');
      const sync = app.stack.otlp
        .spans()
        .filter((s) => s.traceId === traceId && s.name === 'todo-sync.sync');
      assert.equal(sync.length, 1);
      assert.equal(sync[0]?.parentSpanId, parentId);
      assert.ok(log.some((line) => line.startsWith('[information] sync started')));
    }
    assert.equal(app.telemetryLines().length, 1, 'still one warning after invocations');
    // The host sends the worker's logs: none goes through OpenTelemetry twice.
    assert.deepEqual(app.stack.otlp.logRecords(), []);
  });
});
