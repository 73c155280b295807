import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncRequest } from '../support/capture.js';
import { startHostedApp, type HostedApp } from '../support/hostedApp.js';

/**
 * OTLP with `OTEL_LOGS_EXPORTER=none` (the collector takes no logs, or logs are kept elsewhere):
 * in the Functions host, the worker's logs must then stay the host's to send. Telling the host
 * that the worker sends its own (WorkerOpenTelemetryEnabled) would make it drop them, and
 * nothing would send them.
 */
let app: HostedApp;

describe('telemetry with log records exported nowhere, functions run as the host runs them', () => {
  before(async () => {
    app = await startHostedApp({
      settings: (stack) => ({ ...stack.otlp.settings, OTEL_LOGS_EXPORTER: 'none' }),
    });
  });
  after(() => app.stop());

  it('leaves the worker logs to the host: no log hook, the host not told otherwise', async () => {
    const { host } = app;
    assert.deepEqual([...host.functions.keys()].sort(), ['health', 'syncTodos', 'syncTodosTimer']);
    assert.deepEqual([...new Set(host.hookNames)].sort(), ['postInvocation', 'preInvocation']);
    assert.equal((await host.capabilities()).WorkerOpenTelemetryEnabled, undefined);
    assert.deepEqual(app.telemetryLines(), []);
  });

  it("exports the run's spans under the host's span, and no log record", async () => {
    const log: string[] = [];
    const run = await app.host.invoke('syncTodos', syncRequest('POST'), log);
    assert.equal(run.error, undefined, log.join('\n'));
    assert.ok(
      log.some((line) => line.includes('sync succeeded')),
      `the handler's lines reach the host: ${log.join(' | ')}`,
    );
    const [, traceId, parentId] = run.traceparent.split('-');
    const sync = app.stack.otlp
      .spans()
      .find((s) => s.name === 'todo-sync.sync' && s.traceId === traceId);
    assert.ok(sync, 'the sync span, in the invocation trace');
    assert.equal(sync.parentSpanId, parentId, "the host's invocation span is its parent");
    assert.ok(app.stack.otlp.metrics().has('todo_sync.runs'), 'metrics exported');
    assert.deepEqual(app.stack.otlp.logRecords(), []);
    assert.ok(
      app.stack.otlp.rawBodies().every((body) => !body.includes('resourceLogs')),
      'no log export at all',
    );
  });
});
