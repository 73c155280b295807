import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/package/paths.js';
import type { EmulatedHost } from '../../stack/functionsHost.js';
import type { Stall } from '../../stack/stall.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { syncRequest } from '../support/capture.js';
import { startHostedApp, type HostedApp } from '../support/hostedApp.js';
import type { LocalStack } from '../support/stackForTests.js';

/**
 * A collector that hangs never holds an invocation past the export timeout
 * (OTEL_EXPORTER_OTLP_TIMEOUT, here 1 s), never fails the sync, and says so; once it answers
 * again, the next invocation is exported. The functions run as the host runs them, exporting
 * before each invocation returns.
 */
const EXPORT_TIMEOUT_MS = 1000;
/** Slack over the bound for a loaded machine; a hang the bound misses lasts far longer. */
const SLACK_MS = 3000;

let app: HostedApp;
let stack: LocalStack;
let host: EmulatedHost;

async function postSync(): Promise<{ ms: number; traceparent: string }> {
  const log: string[] = [];
  const started = performance.now();
  const run = await host.invoke('syncTodos', syncRequest('POST'), log);
  const ms = performance.now() - started;
  assert.equal(run.error, undefined, log.join('\n'));
  const status = (run.result as { status?: number } | undefined)?.status;
  assert.equal(status, 200, log.join('\n'));
  return { ms, traceparent: run.traceparent };
}

/** Whether the collector's stalled exchanges all close within a second (their close travels). */
async function allClosed(): Promise<boolean> {
  for (let i = 0; i < 100 && stack.otlp.stalls.active() > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return stack.otlp.stalls.active() === 0;
}

describe('telemetry export against a collector that hangs', () => {
  before(async () => {
    app = await startHostedApp({
      settings: ({ otlp }) => ({
        ...otlp.settings,
        OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS),
        SYNC_CONTAINER: 'telemetry-stall',
      }),
      root: REPO_ROOT,
    });
    ({ stack, host } = app);
    await postSync(); // the token and the container, before any stall
  });
  afterEach(() => {
    stack.otlp.stalls.clear();
    app.stderr.length = 0;
  });
  after(() => app.stop());

  const stalls: [string, Stall][] = [
    ['never answers', { mode: 'noAnswer' }],
    ['sends its headers, then nothing', { mode: 'stallAfterHeaders' }],
    ['trickles its answer, a byte every 200 ms', { mode: 'trickle', intervalMs: 200 }],
  ];
  for (const [how, stall] of stalls) {
    it(`${how}: the sync answers within the export timeout, ends the export, says why`, async () => {
      stack.otlp.stalls.next({ ...stall, count: 1000 });
      const before = stack.otlp.stalls.started();
      const { ms } = await postSync();
      assert.ok(stack.otlp.stalls.started() > before, 'the exports were stalled');
      assert.ok(
        ms < EXPORT_TIMEOUT_MS + SLACK_MS,
        `answered in ${ms.toFixed(0)} ms, bound ${EXPORT_TIMEOUT_MS} ms`,
      );
      // The exports were ended, not left running: the collector sees every one of them closed.
      assert.ok(await allClosed(), `${stack.otlp.stalls.active()} stalled exports still open`);
      const said = app.stderr.join('');
      assert.match(said, /telemetry: exporting spans (failed|did not finish)/);
      assert.match(said, /OTEL_EXPORTER_OTLP_TIMEOUT/);
      assert.doesNotMatch(said, new RegExp(stack.settings.CLIENT_SECRET ?? 'no-secret'));
    });
  }

  it('the CLI too: it exits within the export timeout, its sync done, and says why', async () => {
    stack.otlp.stalls.next({ mode: 'noAnswer', count: 1000 });
    const started = performance.now();
    const run = await runCliProcess(['--op', 'sync'], {
      env: {
        ...cliBaseEnv(),
        ...stack.settings,
        ...stack.otlp.settings,
        OTEL_EXPORTER_OTLP_TIMEOUT: String(EXPORT_TIMEOUT_MS),
        SYNC_CONTAINER: 'telemetry-stall',
      },
      cwd: REPO_ROOT,
    });
    const ms = performance.now() - started;
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { trigger: string }).trigger, 'cli');
    assert.ok(ms < EXPORT_TIMEOUT_MS + SLACK_MS, `exited after ${ms.toFixed(0)} ms`);
    assert.match(run.stderr, /telemetry: .* (failed|did not finish)/);
    assert.match(run.stderr, /OTEL_EXPORTER_OTLP_TIMEOUT/);
  });

  it('once the collector answers again, the next invocation is exported', async () => {
    stack.otlp.clear();
    const { traceparent } = await postSync();
    const [, traceId] = traceparent.split('-');
    assert.ok(
      stack.otlp.spans().some((s) => s.traceId === traceId && s.name === 'todo-sync.sync'),
      'the sync span of the invocation after the stalls',
    );
    assert.deepEqual(app.telemetryLines(), []);
  });
});
