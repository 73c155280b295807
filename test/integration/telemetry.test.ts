import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EmulatedHost } from '../../stack/functionsHost.js';
import type { ReceivedSpan } from '../../stack/otlpReceiver.js';
import { syncRequest, timerInfo } from '../support/capture.js';
import { assertTelemetrySetUp, startHostedApp, type HostedApp } from '../support/hostedApp.js';
import type { LocalStack } from '../support/stackForTests.js';

/**
 * The functions as the host runs them (the entry module, then the functions, through the
 * stand-in host of stack/functionsHost.ts, whose log hooks run as the worker's do), exporting to
 * the stack's OTLP receiver: the spans, metrics and log records it gets.
 */
let app: HostedApp;
let stack: LocalStack;
let host: EmulatedHost;

/** `00-<trace id>-<parent id>-<flags>` */
function traceparentParts(traceparent: string): { traceId: string; parentId: string } {
  const [, traceId = '', parentId = ''] = traceparent.split('-');
  return { traceId, parentId };
}

function childrenOf(spans: readonly ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans
    .filter((s) => s.parentSpanId === parent.spanId)
    .sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
}

/** The one `todo-sync.sync` span of an invocation, checked to hang under the host's span. */
function syncSpanOf(traceparent: string): { sync: ReceivedSpan; spans: ReceivedSpan[] } {
  const { traceId, parentId } = traceparentParts(traceparent);
  const spans = stack.otlp.spans().filter((s) => s.traceId === traceId);
  const syncs = spans.filter((s) => s.name === 'todo-sync.sync');
  assert.equal(syncs.length, 1, `one sync span in trace ${traceId}`);
  const sync = syncs[0] as ReceivedSpan;
  assert.equal(sync.parentSpanId, parentId, "the host's invocation span is the sync's parent");
  assert.equal(sync.scope, 'todo-sync');
  return { sync, spans };
}

async function invoke(name: string, trigger: unknown) {
  const log: string[] = [];
  const run = await host.invoke(name, trigger, log);
  assert.equal(run.error, undefined, `${name} failed:\n${log.join('\n')}`);
  return { ...run, log };
}

const postSync = () => invoke('syncTodos', syncRequest('POST'));

describe('telemetry exported to OTLP, functions run as the host runs them', () => {
  before(async () => {
    app = await startHostedApp();
    ({ stack, host } = app);
  });
  after(() => app.stop());

  it('is set up by the entry module: hooks, and the host told the worker sends its logs', async () => {
    await assertTelemetrySetUp(host);
    assert.deepEqual(app.telemetryLines(), []);
  });

  it('exports a manual sync as a tree under the invocation: token, API GET, storage', async () => {
    stack.api.resetRequests();
    const run = await postSync();
    const { sync, spans } = syncSpanOf(run.traceparent);
    assert.equal(sync.attributes['todo_sync.trigger'], 'http');
    assert.equal(sync.attributes['todo_sync.added'], 3);
    const children = childrenOf(spans, sync).map((s) => s.name);
    for (const name of [
      'todo-sync.token',
      'GET',
      'BlobLeaseClient-acquireLease',
      'BlobClient-download',
      'BlockBlobClient-upload',
      'BlobLeaseClient-releaseLease',
    ]) {
      assert.ok(children.includes(name), `${name} under the sync span: ${children.join(', ')}`);
    }
    // The token's own calls (discovery, the token request) hang under the token span.
    const token = childrenOf(spans, sync).find((s) => s.name === 'todo-sync.token');
    assert.ok(token);
    assert.equal(token.attributes['todo_sync.token.source'], 'idp');
    const tokenCalls = childrenOf(spans, token);
    assert.ok(
      tokenCalls.some(
        (s) => s.name === 'POST' && String(s.attributes['url.full']).endsWith('/v2.0/token'),
      ),
      'the token request is a client span under the token span',
    );
    // Storage operations carry the SDK's HTTP spans under them.
    const upload = childrenOf(spans, sync).find((s) => s.name === 'BlockBlobClient-upload');
    assert.ok(upload && childrenOf(spans, upload).some((s) => s.name === 'HTTP PUT'));

    // The API call: one client span, and the request carried its trace context.
    const gets = childrenOf(spans, sync).filter((s) => s.name === 'GET');
    assert.equal(gets.length, 1);
    const get = gets[0] as ReceivedSpan;
    assert.equal(get.kind, 3, 'a client span');
    assert.equal(get.attributes['url.full'], stack.api.endpoint);
    assert.equal(get.attributes['http.response.status_code'], 200);
    const sent = stack.api.requests().filter((r) => r.method === 'GET');
    assert.equal(sent.length, 1);
    const traceparent = traceparentParts(sent[0]?.traceparent ?? '');
    assert.equal(traceparent.traceId, sync.traceId, "the API request carries the sync's trace id");
    assert.equal(traceparent.parentId, get.spanId, 'and its own client span as the parent');
  });

  it("exports a timer run under the host's trace context, the token from the cache", async () => {
    stack.api.addTodo('Water the plants');
    const run = await invoke('syncTodosTimer', timerInfo());
    const { sync, spans } = syncSpanOf(run.traceparent);
    assert.equal(sync.attributes['todo_sync.trigger'], 'timer');
    assert.equal(sync.attributes['todo_sync.added'], 1);
    const children = childrenOf(spans, sync);
    const token = children.find((s) => s.name === 'todo-sync.token');
    assert.ok(token, 'a token span under the sync');
    assert.equal(token.attributes['todo_sync.token.source'], 'cache');
    assert.deepEqual(childrenOf(spans, token), [], 'no request for a cached token');
    assert.equal(children.filter((s) => s.name === 'GET').length, 1);
    assert.ok(children.some((s) => s.name === 'BlockBlobClient-upload'));
  });

  it('shows both attempts of a retried API call, the second with its resend count', async () => {
    stack.api.setTodos(
      stack.api.todos().map((t, i) => (i === 0 ? { ...t, description: 'Pick up bread' } : t)),
    );
    stack.api.resetRequests();
    stack.api.faults.next({ kind: 'status', status: 503, count: 1, method: 'GET' });
    const run = await postSync();
    const { sync, spans } = syncSpanOf(run.traceparent);
    assert.equal(sync.attributes['todo_sync.changed'], 1);
    const gets = childrenOf(spans, sync).filter((s) => s.name === 'GET');
    assert.equal(gets.length, 2, 'one span per attempt');
    const [first, second] = gets as [ReceivedSpan, ReceivedSpan];
    assert.equal(first.attributes['http.response.status_code'], 503);
    assert.equal(first.attributes['error.type'], '503');
    assert.equal(first.statusCode, 2, 'the failed attempt has an error status');
    assert.equal(first.attributes['http.request.resend_count'], undefined);
    assert.equal(second.attributes['http.response.status_code'], 200);
    assert.equal(second.attributes['http.request.resend_count'], 1);
    // Each attempt sent its own span as the parent.
    const sent = stack.api.requests().filter((r) => r.method === 'GET');
    assert.deepEqual(
      sent.map((r) => traceparentParts(r.traceparent ?? '').parentId),
      [first.spanId, second.spanId],
    );
  });

  it("sends the handlers' log lines as log records in the invocation's trace", async () => {
    stack.otlp.clear();
    const run = await postSync();
    const { sync } = syncSpanOf(run.traceparent);
    const records = stack.otlp.logRecords();
    const started = records.find((r) => r.body.startsWith('sync started '));
    assert.ok(started, `a "sync started" record among ${records.map((r) => r.body).join(' | ')}`);
    assert.equal(started.severityText, 'information');
    assert.equal(started.severityNumber, 9, 'INFO');
    assert.equal(started.traceId, sync.traceId, "in the invocation's trace");
    // Every line the invocation logged (debug lines included) arrived, as the host got it.
    for (const line of run.log) {
      const body = line.replace(/^\[[a-z]+\] /, '');
      assert.ok(
        records.some((r) => r.body === body),
        `log record for: ${body}`,
      );
    }
  });

  it('exports the metrics: names, units and values', () => {
    const metrics = stack.otlp.metrics();
    const points = (name: string, unit: string) => {
      const metric = metrics.get(name);
      assert.ok(metric, `${name} exported (got ${[...metrics.keys()].join(', ')})`);
      assert.equal(metric.unit, unit, `${name}'s unit`);
      return metric.points;
    };
    const sumOf = (
      name: string,
      unit: string,
      where: Record<string, string>,
      field: 'value' | 'count' | 'sum' = 'value',
    ): number =>
      points(name, unit)
        .filter((p) => Object.entries(where).every(([k, v]) => p.attributes[k] === v))
        .reduce((total, p) => total + (p[field] ?? 0), 0);

    // Runs so far: http (3 added), timer (1 added), http retried (1 changed), http (unchanged).
    const runs = { 'todo_sync.outcome': 'succeeded' };
    assert.equal(sumOf('todo_sync.runs', '{run}', { ...runs, 'todo_sync.trigger': 'http' }), 3);
    assert.equal(sumOf('todo_sync.runs', '{run}', { ...runs, 'todo_sync.trigger': 'timer' }), 1);
    assert.equal(sumOf('todo_sync.runs', '{run}', { 'todo_sync.outcome': 'failed' }), 0);
    assert.equal(sumOf('todo_sync.run.duration', 's', {}, 'count'), 4);
    assert.ok(sumOf('todo_sync.run.duration', 's', {}, 'sum') > 0, 'durations in seconds');
    assert.equal(sumOf('todo_sync.run.items', '{todo}', {}, 'count'), 4);
    assert.equal(sumOf('todo_sync.run.items', '{todo}', {}, 'sum'), 3 + 4 + 4 + 4);
    assert.equal(sumOf('todo_sync.changes', '{todo}', { 'todo_sync.change.kind': 'added' }), 4);
    assert.equal(sumOf('todo_sync.changes', '{todo}', { 'todo_sync.change.kind': 'changed' }), 1);
    assert.equal(sumOf('todo_sync.changes', '{todo}', { 'todo_sync.change.kind': 'removed' }), 0);

    const api = { 'todo_sync.peer': 'api' };
    const attempts = '{attempt}';
    assert.equal(
      sumOf('todo_sync.http.attempts', attempts, { ...api, 'http.status_class': '5xx' }),
      1,
    );
    assert.ok(
      sumOf('todo_sync.http.attempts', attempts, { ...api, 'http.status_class': '2xx' }) >= 4,
    );
    assert.equal(sumOf('todo_sync.http.retries', attempts, api), 1);
    assert.equal(
      sumOf('todo_sync.http.retries', attempts, { ...api, 'http.status_class': '2xx' }),
      1,
      'the retry succeeded',
    );
    const idp = { 'todo_sync.peer': 'identity_provider', 'http.status_class': '2xx' };
    assert.ok(sumOf('todo_sync.http.attempts', attempts, idp) >= 2, 'discovery and the token');

    const tokens = '{request}';
    assert.equal(sumOf('todo_sync.token.requests', tokens, { 'todo_sync.token.source': 'idp' }), 1);
    assert.equal(
      sumOf('todo_sync.token.requests', tokens, { 'todo_sync.token.source': 'cache' }),
      3,
    );
    const age = points('todo_sync.last_success.age', 's');
    assert.equal(age.length, 1);
    assert.ok((age[0]?.value ?? -1) >= 0);
  });

  it('exports no URL with a query string, in any attribute', () => {
    const spans = stack.otlp.spans();
    const urls = spans.flatMap((s) =>
      Object.values(s.attributes).filter(
        (v): v is string => typeof v === 'string' && /^https?:\/\//.test(v),
      ),
    );
    assert.ok(
      urls.some((u) => u.includes('/devstoreaccount1/')),
      'storage calls (whose URLs have queries: comp=lease, restype=container) were exported',
    );
    assert.deepEqual(
      urls.filter((u) => /[?#]/.test(u)),
      [],
    );
    // Nor anywhere in the bytes the receiver got.
    assert.deepEqual(
      stack.otlp.rawBodies().flatMap((body) => body.match(/https?:\/\/[^"\s]*[?#][^"\s]*/g) ?? []),
      [],
    );
  });
});
