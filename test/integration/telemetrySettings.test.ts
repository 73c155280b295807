import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { LocalStack } from '../../stack/localStack.js';
import type { ReceivedSpan } from '../../stack/otlpReceiver.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack } from '../support/stackForTests.js';

/**
 * The standard OpenTelemetry settings, as a user sets them for the CLI (`todo-sync --op sync`
 * in its own process, exporting to the stack's OTLP receiver): each does what the
 * specification says it does.
 */
let stack: LocalStack;
let cwd: string;

async function sync(
  settings: Record<string, string | undefined>,
  expectWarning?: RegExp,
): Promise<string> {
  const run = await runCliProcess(['--op', 'sync'], {
    env: {
      ...cliBaseEnv(),
      ...stack.settings,
      SYNC_CONTAINER: 'telemetry-settings',
      ...settings,
    },
    cwd,
  });
  assert.equal(run.code, 0, run.stderr);
  if (expectWarning) assert.match(run.stderr, expectWarning);
  else assert.equal(run.stderr, '', 'no warning');
  return run.stderr;
}

function theSyncSpan(): ReceivedSpan {
  const syncs = stack.otlp.spans().filter((s) => s.name === 'todo-sync.sync');
  assert.equal(syncs.length, 1, 'one sync span');
  return syncs[0] as ReceivedSpan;
}

describe('standard OpenTelemetry settings, for the CLI', () => {
  before(async () => {
    stack = await startTestStack();
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-otel-'));
  });
  after(async () => {
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });
  beforeEach(() => {
    stack.otlp.clear();
  });

  it('exports the run as its own trace, as OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES name it', async () => {
    await sync({
      ...stack.otlp.settings,
      OTEL_SERVICE_NAME: 'nightly-todo-sync',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,service.namespace=todo',
    });
    const sync_ = theSyncSpan();
    assert.equal(sync_.parentSpanId, undefined, 'a CLI run is the root of its trace');
    assert.equal(sync_.attributes['todo_sync.trigger'], 'cli');
    assert.equal(sync_.resource['service.name'], 'nightly-todo-sync');
    assert.equal(sync_.resource['deployment.environment.name'], 'test');
    assert.equal(sync_.resource['service.namespace'], 'todo');
    const token = stack.otlp
      .spans()
      .find((s) => s.name === 'todo-sync.token' && s.parentSpanId === sync_.spanId);
    assert.ok(token, 'the token span is a child of the sync');
    const runs = stack.otlp.metrics().get('todo_sync.runs');
    assert.deepEqual(
      runs?.points.map((p) => [p.attributes['todo_sync.trigger'], p.value]),
      [['cli', 1]],
    );
  });

  it('without OTEL_SERVICE_NAME the CLI is todo-sync-cli', async () => {
    await sync(stack.otlp.settings);
    assert.equal(theSyncSpan().resource['service.name'], 'todo-sync-cli');
  });

  it('OTEL_TRACES_SAMPLER=always_off: no span, metrics and logs still exported', async () => {
    await sync({ ...stack.otlp.settings, OTEL_TRACES_SAMPLER: 'always_off' });
    assert.deepEqual(stack.otlp.spans(), []);
    assert.ok(stack.otlp.metrics().has('todo_sync.runs'), 'metrics exported');
  });

  it('OTEL_TRACES_SAMPLER=traceidratio with OTEL_TRACES_SAMPLER_ARG=0: no span', async () => {
    await sync({
      ...stack.otlp.settings,
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    assert.deepEqual(stack.otlp.spans(), []);
    assert.ok(stack.otlp.metrics().has('todo_sync.runs'), 'metrics exported');
  });

  it('OTEL_TRACES_EXPORTER=none: no span is sent, metrics still are; no warning', async () => {
    await sync({ ...stack.otlp.settings, OTEL_TRACES_EXPORTER: 'none' });
    assert.deepEqual(stack.otlp.spans(), []);
    assert.ok(
      stack.otlp.rawBodies().every((body) => !body.includes('resourceSpans')),
      'no trace export at all',
    );
    assert.ok(stack.otlp.metrics().has('todo_sync.runs'), 'metrics exported');
    // Spans that go nowhere are not recorded: the context still flows, marked not sampled.
    const get = stack.api
      .requests()
      .filter((r) => r.method === 'GET')
      .at(-1);
    assert.match(get?.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
  });

  it('OTEL_METRICS_EXPORTER=prometheus: named, as an exporter this app does not have; spans still go', async () => {
    await sync(
      { ...stack.otlp.settings, OTEL_METRICS_EXPORTER: 'prometheus' },
      /^todo-sync: warning: telemetry: OTEL_METRICS_EXPORTER names prometheus, which this app does not have \(it has otlp and none\); metrics are not exported over OTLP\n$/,
    );
    assert.equal(stack.otlp.metrics().size, 0);
    assert.equal(theSyncSpan().attributes['todo_sync.trigger'], 'cli');
  });

  it('OTEL_SDK_DISABLED=true: nothing is exported, and the run is unchanged', async () => {
    await sync({ ...stack.otlp.settings, OTEL_SDK_DISABLED: 'true' });
    assert.deepEqual(stack.otlp.rawBodies(), []);
  });

  it('a per-signal endpoint alone exports that signal alone', async () => {
    await sync({
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${stack.otlp.endpoint}/v1/metrics`,
      OTEL_METRIC_EXPORT_INTERVAL: stack.otlp.settings.OTEL_METRIC_EXPORT_INTERVAL,
    });
    assert.deepEqual(stack.otlp.spans(), []);
    assert.deepEqual(stack.otlp.logRecords(), []);
    assert.ok(stack.otlp.metrics().has('todo_sync.runs'), 'metrics exported');
  });

  for (const protocol of ['http/protobuf', 'grpc']) {
    it(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: says it sends OTLP/HTTP JSON, and does`, async () => {
      await sync(
        { ...stack.otlp.settings, OTEL_EXPORTER_OTLP_PROTOCOL: protocol },
        new RegExp(
          `warning: telemetry: OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported; .*http/json`,
        ),
      );
      assert.equal(theSyncSpan().attributes['todo_sync.trigger'], 'cli');
    });
  }

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/json is what it sends: no warning', async () => {
    await sync({ ...stack.otlp.settings, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' });
    assert.equal(theSyncSpan().attributes['todo_sync.trigger'], 'cli');
  });

  it("OTEL_LOG_LEVEL=debug: the SDK's own diagnostics on stderr, with no secret in them", async () => {
    const headerSecret = 'otlp-api-key-5c1e7d';
    const stderr = await sync(
      {
        ...stack.otlp.settings,
        OTEL_LOG_LEVEL: 'debug',
        OTEL_EXPORTER_OTLP_HEADERS: `api-key=${headerSecret}`,
      },
      /todo-sync: telemetry: \[debug\] /,
    );
    assert.ok(!stderr.includes(headerSecret), 'the header value is scrubbed');
    assert.ok(!stderr.includes(stack.settings.CLIENT_SECRET ?? '-'), 'no client secret');
    assert.doesNotMatch(stderr, /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/, 'no JWT');
    assert.equal(theSyncSpan().attributes['todo_sync.trigger'], 'cli', 'and it still exports');
  });

  it('OTEL_LOG_LEVEL that is not a level: named in a warning, diagnostics stay off', async () => {
    const stderr = await sync(
      { ...stack.otlp.settings, OTEL_LOG_LEVEL: 'loud' },
      /warning: telemetry: OTEL_LOG_LEVEL=loud is not one of none, error, warn, info, debug, verbose, all/,
    );
    assert.doesNotMatch(stderr, /\[(debug|info|verbose)\]/);
  });

  it('an endpoint that is not an http(s) URL is named, and nothing goes to it', async () => {
    // The exporters would send to http://localhost:4318 instead, without a word.
    const stderr = await sync(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' },
      /^todo-sync: warning: telemetry: OTEL_EXPORTER_OTLP_ENDPOINT is not an http:\/\/ or https:\/\/ URL \(an OTLP\/HTTP collector's, e.g\. http:\/\/localhost:4318\); nothing is exported to it\n$/,
    );
    assert.doesNotMatch(stderr, /localhost:4318\)?;(?! nothing)/, 'the value itself is not quoted');
    // A per-signal one: that signal alone is left out.
    await sync(
      { ...stack.otlp.settings, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector/v1/traces' },
      /^todo-sync: warning: telemetry: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not an http:\/\/ or https:\/\/ URL .*; nothing is exported to it\n$/,
    );
    assert.deepEqual(stack.otlp.spans(), []);
    assert.ok(stack.otlp.metrics().has('todo_sync.runs'), 'metrics still go to the endpoint');
  });

  it('a collector that refuses connections: each export says it failed, and why', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const stderr = await sync(
      // The exporters retry a refused connection until their timeout: keep it short here.
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port.toString()}`,
        OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
      },
      /exporting/,
    );
    // The CLI's log lines go to stderr, not to OpenTelemetry: spans and metrics.
    for (const what of ['spans', 'metrics']) {
      assert.match(
        stderr,
        new RegExp(
          `todo-sync: warning: telemetry: exporting ${what} failed \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port.toString()}\\); check that the OTLP collector its OTEL_EXPORTER_OTLP_\\*ENDPOINT setting names is up and reachable\n`,
        ),
        what,
      );
    }
    assert.doesNotMatch(stderr, /unknown error/);
  });

  it('reads the OpenTelemetry settings from local.settings.json Values too', async () => {
    await writeFile(
      join(cwd, 'local.settings.json'),
      JSON.stringify({
        IsEncrypted: false,
        Values: { ...stack.otlp.settings, OTEL_SERVICE_NAME: 'from-local-settings' },
      }),
    );
    try {
      await sync({});
      assert.equal(theSyncSpan().resource['service.name'], 'from-local-settings');
    } finally {
      await rm(join(cwd, 'local.settings.json'));
    }
  });
});
