import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncRequest } from '../support/capture.js';
import { holdModule } from '../support/holdModule.js';
import { startHostedApp, type HostedApp } from '../support/hostedApp.js';

/**
 * The Functions OpenTelemetry instrumentation fails to load (a broken package) once the SDK has
 * started, after the entry module has told the host the worker sends its own logs: invocations
 * still run in the host's trace context and are exported, and the operator is told that the
 * worker's logs are lost.
 */
let app: HostedApp;

describe('telemetry whose Functions instrumentation cannot load', () => {
  before(async () => {
    app = await startHostedApp({ load: false });
    holdModule(/\/azure-functions-instrumentation(-[A-Z0-9]+)?\.js$/).fail();
    await app.load();
  });
  after(() => app.stop());

  it("runs every invocation in the host's trace context, and says what is lost once", async () => {
    const { host, stack } = app;
    for (let i = 0; i < 2; i++) {
      const log: string[] = [];
      const run = await host.invoke('syncTodos', syncRequest('POST'), log);
      assert.equal(run.error, undefined, log.join('\n'));
      assert.equal((run.result as { status?: number }).status, 200, log.join('\n'));
      const [, traceId, parentId] = run.traceparent.split('-');
      const sync = stack.otlp
        .spans()
        .filter((s) => s.traceId === traceId && s.name === 'todo-sync.sync');
      assert.equal(sync.length, 1, 'the invocation is exported');
      assert.equal(sync[0]?.parentSpanId, parentId, "under the host's invocation span");
    }
    assert.deepEqual(stack.otlp.logRecords(), [], 'no worker log line is sent');
    assert.equal((await host.capabilities()).WorkerOpenTelemetryEnabled, 'true');
    const warnings = app.telemetryLines();
    assert.equal(warnings.length, 1, warnings.join(''));
    assert.match(
      warnings[0] ?? '',
      /^todo-sync: warning: telemetry: worker logs are not recorded \(the Functions OpenTelemetry instrumentation failed: .*azure-functions-instrumentation.*failed to load \(made to by the test\); the host was told this worker sends them itself\); traces and metrics are\n$/,
    );
  });
});
