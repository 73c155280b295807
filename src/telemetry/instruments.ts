import { metrics, ValueType, type Attributes, type Meter } from '@opentelemetry/api';
import type { FinishedRun, RunMetrics } from '../core/runTelemetry.js';
import { TELEMETRY_SCOPE } from '../core/runTelemetry.js';

/** Who an outbound HTTP call went to, as a metric attribute. */
export type HttpPeer = 'api' | 'identity_provider';

/** `2xx` ... `5xx`, or `network` when no answer came: a few values, never a URL. */
export function statusClass(status: number | undefined): string {
  return status === undefined ? 'network' : `${Math.floor(status / 100).toString()}xx`;
}

/** One HTTP attempt's outcome, for the attempt and retry counters. */
export interface HttpMetrics {
  attempt(peer: HttpPeer, status: number | undefined, retry: boolean): void;
}

export interface TokenMetrics {
  tokenAcquired(source: 'cache' | 'idp'): void;
}

export type AppMetrics = RunMetrics & HttpMetrics & TokenMetrics;

/**
 * The app's metrics, built once per runtime over the global meter provider (a no-op one when no
 * exporter is configured, so every record call costs next to nothing). Attributes are kinds and
 * classes, never ids, URLs or values, so each metric has a handful of series.
 *
 * The age of the last successful sync is an observable gauge computed from the last success
 * this process knows (from its own runs, and from the stored status whenever it reads it): a
 * collection never does storage I/O, which outside an invocation would be work left running.
 */
export function createAppMetrics(
  now: () => number,
  meter: Meter = metrics.getMeter(TELEMETRY_SCOPE),
): AppMetrics & {
  /** Tells the gauge of a success time read from storage (e.g. by GET /api/health). */
  knownSuccess(at: Date | undefined): void;
} {
  const runs = meter.createCounter('todo_sync.runs', {
    description: 'Sync runs, by trigger and outcome.',
    unit: '{run}',
    valueType: ValueType.INT,
  });
  const duration = meter.createHistogram('todo_sync.run.duration', {
    description: 'How long a sync run took, lock to release.',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] },
  });
  const items = meter.createHistogram('todo_sync.run.items', {
    description: 'Todos in the list a successful run read.',
    unit: '{todo}',
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: [0, 10, 100, 1_000, 10_000, 100_000] },
  });
  const changes = meter.createCounter('todo_sync.changes', {
    description: 'Todos added, removed or changed, by kind.',
    unit: '{todo}',
    valueType: ValueType.INT,
  });
  const attempts = meter.createCounter('todo_sync.http.attempts', {
    description: 'Outbound HTTP attempts (first tries and retries), by peer and status class.',
    unit: '{attempt}',
    valueType: ValueType.INT,
  });
  const retries = meter.createCounter('todo_sync.http.retries', {
    description: 'Outbound HTTP attempts that were retries, by peer and status class.',
    unit: '{attempt}',
    valueType: ValueType.INT,
  });
  const tokens = meter.createCounter('todo_sync.token.requests', {
    description: 'Access tokens acquired, by source (MSAL cache or the identity provider).',
    unit: '{request}',
    valueType: ValueType.INT,
  });
  const age = meter.createObservableGauge('todo_sync.last_success.age', {
    description: 'Seconds since the last successful sync this process knows of.',
    unit: 's',
  });
  let lastSuccess: Date | undefined;
  const knownSuccess = (at: Date | undefined): void => {
    if (at && (!lastSuccess || at > lastSuccess)) lastSuccess = at;
  };
  age.addCallback((result) => {
    if (lastSuccess) result.observe(Math.max(0, (now() - lastSuccess.getTime()) / 1000));
  });

  return {
    runFinished(run: FinishedRun): void {
      const attributes: Attributes = {
        'todo_sync.trigger': run.trigger,
        'todo_sync.outcome': run.outcome,
      };
      runs.add(1, attributes);
      duration.record(run.durationMs / 1000, attributes);
      if (run.count !== undefined) items.record(run.count, { 'todo_sync.trigger': run.trigger });
      for (const kind of ['added', 'removed', 'changed'] as const) {
        const n = run[kind];
        if (n) changes.add(n, { 'todo_sync.change.kind': kind });
      }
      knownSuccess(run.succeededAt);
    },
    attempt(peer, status, retry): void {
      const attributes = { 'todo_sync.peer': peer, 'http.status_class': statusClass(status) };
      attempts.add(1, attributes);
      if (retry) retries.add(1, attributes);
    },
    tokenAcquired(source): void {
      tokens.add(1, { 'todo_sync.token.source': source });
    },
    knownSuccess,
  };
}
