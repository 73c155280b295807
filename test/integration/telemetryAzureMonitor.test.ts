import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT } from '../../scripts/package/paths.js';
import {
  AZURE_MONITOR_RESOURCE,
  startAppInsightsIngestion,
  type AppInsightsIngestion,
  type Envelope,
} from '../../stack/appInsightsIngestion.js';
import type { EmulatedHost } from '../../stack/functionsHost.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { syncRequest } from '../support/capture.js';
import { startHostedApp, type HostedApp } from '../support/hostedApp.js';
import type { LocalStack } from '../support/stackForTests.js';

/**
 * Telemetry to Application Insights, as the infra sets it up: the connection string, and
 * `APPLICATIONINSIGHTS_AUTHENTICATION_STRING` naming the managed identity to send with (local
 * authentication is disabled, so the ingestion endpoint takes Entra tokens only). The
 * functions run as the host runs them; the stack's managed identity endpoint and IdP issue
 * the token, and a local ingestion endpoint checks it.
 */
let app: HostedApp;
let stack: LocalStack;
let ingestion: AppInsightsIngestion;
let host: EmulatedHost;

function monitorSettings(): Record<string, string> {
  return {
    APPLICATIONINSIGHTS_CONNECTION_STRING: ingestion.connectionString,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${stack.managedIdentity.clientId};Authorization=AAD`,
    IDENTITY_ENDPOINT: stack.managedIdentity.endpoint,
    IDENTITY_HEADER: stack.managedIdentity.header,
  };
}

const ofType = (type: string, where: (e: Envelope) => boolean = () => true): Envelope[] =>
  ingestion.envelopes().filter((e) => e.data.baseType === type && where(e));

describe('telemetry to Application Insights, with the managed identity', () => {
  before(async () => {
    app = await startHostedApp({
      settings: async (started) => {
        stack = started;
        ingestion = await startAppInsightsIngestion({ ca: stack.ca, idp: stack.idp });
        return { ...monitorSettings(), SYNC_CONTAINER: 'telemetry-monitor' };
      },
    });
    host = app.host;
  });
  after(() => Promise.all([app.stop(), ingestion.stop()]));

  it("exports a manual sync before the invocation returns: spans, the handler's log lines, metrics", async () => {
    const log: string[] = [];
    const run = await host.invoke('syncTodos', syncRequest('POST'), log);
    assert.equal(run.error, undefined, log.join('\n'));
    const [, traceId, invocationSpanId] = run.traceparent.split('-');

    // The sync is a dependency of the invocation, in its operation (the trace).
    const syncs = ofType('RemoteDependencyData', (e) => e.data.baseData.name === 'todo-sync.sync');
    assert.equal(syncs.length, 1, 'one sync span');
    const sync = syncs[0] as Envelope;
    assert.equal(sync.tags['ai.operation.id'], traceId);
    assert.equal(sync.tags['ai.operation.parentId'], invocationSpanId);
    assert.equal(sync.tags['ai.cloud.role'], 'todo-sync');
    assert.equal(sync.iKey, ingestion.instrumentationKey);
    assert.ok(
      ofType('RemoteDependencyData', (e) => e.tags['ai.operation.id'] === traceId).length > 5,
      'its token, API and storage calls too',
    );

    const lines = ofType('MessageData', (e) => e.tags['ai.operation.id'] === traceId).map((e) =>
      String(e.data.baseData.message),
    );
    assert.ok(
      lines.some((line) => line.startsWith('sync succeeded')),
      `the handler's log lines, in the trace: ${lines.join(' | ')}`,
    );
    const metrics = ofType('MetricData').flatMap(
      (e) => (e.data.baseData.metrics as { name: string }[] | undefined) ?? [],
    );
    assert.ok(
      metrics.some((m) => m.name === 'todo_sync.runs'),
      `metrics: ${metrics.map((m) => m.name).join(', ')}`,
    );

    // Every request carried a token for Azure Monitor, from the managed identity.
    assert.ok(ingestion.requests().length >= 3);
    for (const request of ingestion.requests()) {
      assert.equal(request.status, 200);
      assert.equal(request.appId, stack.managedIdentity.clientId);
    }
    assert.ok(stack.managedIdentity.tokenRequests(AZURE_MONITOR_RESOURCE) >= 1);
    assert.deepEqual(app.telemetryLines(), []);
  });

  it('sends no secret, token or key', () => {
    const sent = ingestion.rawBodies().join('\n');
    assert.ok(sent.length > 0);
    for (const secret of [stack.settings.CLIENT_SECRET, stack.managedIdentity.header]) {
      assert.ok(secret && !sent.includes(secret), 'a secret in the telemetry');
    }
    assert.doesNotMatch(sent, /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/, 'no JWT');
    assert.doesNotMatch(sent, /AccountKey=|sig=/i, 'no storage key or SAS');
  });

  it('the CLI sends with it too; without the authentication string the service refuses, and the run is unchanged', async () => {
    const env = {
      ...cliBaseEnv(),
      ...stack.settings,
      SYNC_CONTAINER: 'telemetry-monitor',
    };
    ingestion.clear();
    const ok = await runCliProcess(['--op', 'sync'], {
      env: { ...env, ...monitorSettings() },
      cwd: REPO_ROOT,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, '');
    const cliSync = ofType(
      'RemoteDependencyData',
      (e) => e.data.baseData.name === 'todo-sync.sync',
    );
    assert.equal(cliSync[0]?.tags['ai.cloud.role'], 'todo-sync-cli');

    ingestion.clear();
    const { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: _, ...withoutAuth } = monitorSettings();
    const refused = await runCliProcess(['--op', 'sync'], {
      env: { ...env, ...withoutAuth },
      cwd: REPO_ROOT,
    });
    assert.equal(refused.code, 0, refused.stderr);
    assert.equal((JSON.parse(refused.stdout) as { trigger: string }).trigger, 'cli');
    assert.ok(
      ingestion.requests().some((r) => r.status === 401),
      'the service refused',
    );
    assert.deepEqual(ingestion.envelopes(), []);
    // The exporter drops what the service refused and reports success; the app says it, once,
    // with what to check.
    assert.match(
      refused.stderr,
      /todo-sync: warning: telemetry: Application Insights refused an export \(HTTP 401: Authorization token required\.\); check APPLICATIONINSIGHTS_AUTHENTICATION_STRING .* Monitoring Metrics Publisher/,
    );
    assert.equal(refused.stderr.split('refused an export').length - 1, 1, 'said once');
    assert.ok(!refused.stderr.includes(stack.managedIdentity.header), 'no identity header');
    assert.doesNotMatch(refused.stderr, /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/, 'no JWT');
  });

  it('an ingestion endpoint that cannot be reached is said once, and the run is unchanged', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = monitorSettings();
    unreachable.APPLICATIONINSIGHTS_CONNECTION_STRING = ingestion.connectionString.replace(
      /IngestionEndpoint=[^;]*/,
      `IngestionEndpoint=https://127.0.0.1:${port.toString()}/`,
    );
    assert.notEqual(unreachable.APPLICATIONINSIGHTS_CONNECTION_STRING, ingestion.connectionString);
    const run = await runCliProcess(['--op', 'sync'], {
      env: {
        ...cliBaseEnv(),
        ...stack.settings,
        SYNC_CONTAINER: 'telemetry-monitor',
        ...unreachable,
      },
      cwd: REPO_ROOT,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { trigger: string }).trigger, 'cli');
    assert.match(
      run.stderr,
      /^todo-sync: warning: telemetry: Application Insights could not be sent to \(.*ECONNREFUSED.*\); check that this instance reaches the connection string's IngestionEndpoint .* managed identity can get a token\n/,
    );
    assert.equal(run.stderr.split('could not be sent to').length - 1, 1, 'said once');
  });
});
