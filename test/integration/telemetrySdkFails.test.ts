import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { syncRequest } from '../support/capture.js';
import { holdModule } from '../support/holdModule.js';
import { startHostedApp, type HostedApp } from '../support/hostedApp.js';

/**
 * The OpenTelemetry SDK's own module fails to load (a broken package), after the entry module
 * has told the host the worker sends its own logs: the functions still run, and the operator is
 * told what is lost.
 */
let app: HostedApp;

describe('telemetry whose SDK cannot load', () => {
  before(async () => {
    app = await startHostedApp({ load: false });
    holdModule(/\/telemetrySdk(-[A-Z0-9]+)?\.js$/).fail();
    await app.load();
  });
  after(() => app.stop());

  it('runs every invocation, exports nothing, and says why once', async () => {
    for (let i = 0; i < 2; i++) {
      const log: string[] = [];
      const run = await app.host.invoke('syncTodos', syncRequest('POST'), log);
      assert.equal(run.error, undefined, log.join('\n'));
      assert.equal((run.result as { status?: number }).status, 200, log.join('\n'));
    }
    assert.deepEqual(app.stack.otlp.rawBodies(), []);
    const warnings = app.telemetryLines();
    assert.equal(warnings.length, 2, warnings.join(''));
    assert.match(
      warnings[0] ?? '',
      /^todo-sync: warning: telemetry is off: the OpenTelemetry SDK could not start \(.*telemetrySdk.*failed to load \(made to by the test\)\)\n$/,
    );
    assert.equal(
      warnings[1],
      'todo-sync: warning: telemetry: worker logs are not recorded either (the host was told this worker sends them itself); fix the problem above or remove the OpenTelemetry settings, then restart the app\n',
    );
  });
});
