import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { EmulatedHost } from '../../stack/functionsHost.js';
import { syncRequest } from '../support/capture.js';
import { holdModule, type HeldModule } from '../support/holdModule.js';
import { assertTelemetrySetUp, startHostedApp, type HostedApp } from '../support/hostedApp.js';
import type { LocalStack } from '../support/stackForTests.js';

/**
 * The OpenTelemetry SDK and the Functions instrumentation load after the entry module has
 * finished, so the worker reports its functions without waiting for them; an invocation that
 * comes before they have loaded waits for them, and is recorded whole, as are the worker's own
 * lines from that time. Each module is held here (a module hook) until the test lets it load.
 */
const SDK_MODULE = /\/telemetrySdk(-[A-Z0-9]+)?\.js$/;
const INSTRUMENTATION_MODULE = /\/azure-functions-instrumentation(-[A-Z0-9]+)?\.js$/;

function postSync(host: EmulatedHost, log: string[]) {
  return host.invoke('syncTodos', syncRequest('POST'), log);
}

let app: HostedApp;
let stack: LocalStack;
let host: EmulatedHost;
let sdk: HeldModule;
let instrumentation: HeldModule;

describe('the OpenTelemetry SDK loads after the functions are registered', () => {
  before(async () => {
    app = await startHostedApp({ load: false });
    ({ stack, host } = app);
    sdk = holdModule(SDK_MODULE);
    instrumentation = holdModule(INSTRUMENTATION_MODULE);
  });
  after(() => app.stop());

  it('registers every function and hook, and tells the host, while the SDK is still loading', async () => {
    await app.load();
    assert.match(await sdk.asked, SDK_MODULE, 'the SDK load was started, and is held');
    assert.match(await instrumentation.asked, INSTRUMENTATION_MODULE, 'and the instrumentation');
    await assertTelemetrySetUp(host);
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
    // The worker's own lines meanwhile (the host was told it sends them): kept, a flood cut.
    for (let i = 1; i <= 205; i++) host.workerLog('information', `worker line ${i.toString()}`);

    sdk.release();
    instrumentation.release();
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
    const workerLines = stack.otlp
      .logRecords()
      .filter((r) => r.body.startsWith('worker line '))
      .map((r) => r.body);
    assert.deepEqual(
      workerLines,
      Array.from({ length: 200 }, (_, i) => `worker line ${(i + 1).toString()}`),
      'the first 200 worker lines from before the load, in order',
    );
    assert.deepEqual(app.telemetryLines(), [
      'todo-sync: warning: telemetry: 5 worker log lines from before the OpenTelemetry SDK had loaded were not recorded (the first 200 were)\n',
    ]);
  });

  it('sends the worker lines that come later as they come', async () => {
    stack.otlp.clear();
    host.workerLog('warning', 'a later worker line');
    // Exported with the next invocation's telemetry (there is no export in between).
    const run = await postSync(host, []);
    assert.equal((run.result as { status?: number }).status, 200);
    const record = stack.otlp.logRecords().find((r) => r.body === 'a later worker line');
    assert.equal(record?.severityText, 'warning');
  });
});
