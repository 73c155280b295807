// An OTLP/HTTP receiver (JSON encoding, as @opentelemetry/exporter-*-otlp-http send by default)
// for the demo and the tests: it keeps every request's bytes as received and the spans and
// metric points decoded from them.
import { createServer, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import { Stalls, type StallSwitches } from './stall.js';

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
interface KeyValue {
  key: string;
  value: AnyValue;
}

export type AttributeValue = string | number | boolean | undefined;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP's SpanKind number: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly statusCode: number;
  readonly scope: string;
  readonly resource: Readonly<Record<string, AttributeValue>>;
}

export interface ReceivedMetric {
  readonly name: string;
  readonly unit: string;
  /** Each data point's attributes and value (sum, gauge value, or histogram count and sum). */
  readonly points: readonly {
    attributes: Readonly<Record<string, AttributeValue>>;
    value?: number;
    count?: number;
    sum?: number;
  }[];
}

export interface ReceivedLogRecord {
  readonly body: string;
  /** As the emitter named it (`information`, `warning`, ... for the worker's log hook). */
  readonly severityText: string;
  readonly severityNumber: number;
  /** The trace and span the record was emitted in ('' when none). */
  readonly traceId: string;
  readonly spanId: string;
  readonly scope: string;
}

export interface OtlpReceiver {
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for a product process (http://127.0.0.1:<port>). */
  readonly endpoint: string;
  /** The settings that point a product process at this receiver. */
  readonly settings: Readonly<Record<string, string>>;
  spans(): ReceivedSpan[];
  logRecords(): ReceivedLogRecord[];
  /** Metrics as last exported (cumulative: the latest export of each name wins). */
  metrics(): Map<string, ReceivedMetric>;
  /** Exports that stall instead of being answered (a collector that hangs). */
  readonly stalls: StallSwitches;
  /** Every byte received, decompressed, per request (for the no-leak tests). */
  rawBodies(): string[];
  clear(): void;
  stop(): Promise<void>;
}

function value(v: AnyValue | undefined): AttributeValue {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

function attributes(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

/** OTLP/JSON ids are hex strings (the JS exporter's JSON encoding). */
const hex = (id: string | undefined): string | undefined => (id ? id.toLowerCase() : undefined);

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(bytes) : bytes).toString(
    'utf8',
  );
}

export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  let spans: ReceivedSpan[] = [];
  let logRecords: ReceivedLogRecord[] = [];
  let metrics = new Map<string, ReceivedMetric>();
  let raw: string[] = [];
  const stalls = new Stalls();
  const server = createServer((request, response) => {
    const stall = stalls.take(request);
    if (stall) {
      stalls.play(request, response, stall);
      return;
    }
    void (async () => {
      const text = await body(request);
      raw.push(text);
      if (!(request.headers['content-type'] ?? '').includes('json')) {
        response.writeHead(415).end();
        return;
      }
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const payload = JSON.parse(text) as Record<string, unknown>;
      if (path === '/v1/traces') spans.push(...decodeSpans(payload));
      else if (path === '/v1/logs') logRecords.push(...decodeLogRecords(payload));
      else if (path === '/v1/metrics')
        for (const m of decodeMetrics(payload)) metrics.set(m.name, m);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })().catch(() => {
      response.writeHead(400).end();
    });
  });
  const bound = await listenOnLoopback(server, port);
  const endpoint = `http://127.0.0.1:${bound.toString()}`;
  return {
    endpoint,
    settings: {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      // Exported per invocation anyway (the postInvocation flush); no timer in between.
      OTEL_METRIC_EXPORT_INTERVAL: '3600000',
    },
    spans: () => [...spans],
    logRecords: () => [...logRecords],
    metrics: () => new Map(metrics),
    stalls,
    rawBodies: () => [...raw],
    clear: () => {
      spans = [];
      logRecords = [];
      metrics = new Map();
      raw = [];
    },
    stop: () => {
      stalls.stop();
      return closeServer(server);
    },
  };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  status?: { code?: number };
}

function decodeSpans(payload: Record<string, unknown>): ReceivedSpan[] {
  const resourceSpans = (payload.resourceSpans ?? []) as {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[];
  }[];
  return resourceSpans.flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId) ?? '',
        spanId: hex(s.spanId) ?? '',
        parentSpanId: hex(s.parentSpanId),
        name: s.name,
        kind: s.kind,
        startNs: BigInt(s.startTimeUnixNano),
        endNs: BigInt(s.endTimeUnixNano),
        attributes: attributes(s.attributes),
        statusCode: s.status?.code ?? 0,
        scope: ss.scope?.name ?? '',
        resource: attributes(rs.resource?.attributes),
      })),
    ),
  );
}

interface OtlpLogRecord {
  body?: AnyValue;
  severityText?: string;
  severityNumber?: number;
  traceId?: string;
  spanId?: string;
}

function decodeLogRecords(payload: Record<string, unknown>): ReceivedLogRecord[] {
  const resourceLogs = (payload.resourceLogs ?? []) as {
    scopeLogs?: { scope?: { name?: string }; logRecords?: OtlpLogRecord[] }[];
  }[];
  return resourceLogs.flatMap((rl) =>
    (rl.scopeLogs ?? []).flatMap((sl) =>
      (sl.logRecords ?? []).map((r) => ({
        body: String(value(r.body) ?? ''),
        severityText: r.severityText ?? '',
        severityNumber: r.severityNumber ?? 0,
        traceId: hex(r.traceId) ?? '',
        spanId: hex(r.spanId) ?? '',
        scope: sl.scope?.name ?? '',
      })),
    ),
  );
}

interface OtlpPoint {
  attributes?: KeyValue[];
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  sum?: number;
}

function decodeMetrics(payload: Record<string, unknown>): ReceivedMetric[] {
  const resourceMetrics = (payload.resourceMetrics ?? []) as {
    scopeMetrics?: {
      metrics?: {
        name: string;
        unit?: string;
        sum?: { dataPoints?: OtlpPoint[] };
        gauge?: { dataPoints?: OtlpPoint[] };
        histogram?: { dataPoints?: OtlpPoint[] };
      }[];
    }[];
  }[];
  return resourceMetrics.flatMap((rm) =>
    (rm.scopeMetrics ?? []).flatMap((sm) =>
      (sm.metrics ?? []).map((m) => {
        const points = m.sum?.dataPoints ?? m.gauge?.dataPoints ?? m.histogram?.dataPoints ?? [];
        return {
          name: m.name,
          unit: m.unit ?? '',
          points: points.map((p) => ({
            attributes: attributes(p.attributes),
            ...(p.asInt !== undefined || p.asDouble !== undefined
              ? { value: Number(p.asInt ?? p.asDouble) }
              : {}),
            ...(p.count !== undefined ? { count: Number(p.count), sum: p.sum ?? 0 } : {}),
          })),
        };
      }),
    ),
  );
}

/** Attributes shown in the demo's tree, when a span has them. */
const SHOWN = [
  'todo_sync.trigger',
  'todo_sync.lock',
  'todo_sync.count',
  'todo_sync.added',
  'todo_sync.removed',
  'todo_sync.changed',
  'todo_sync.snapshot_written',
  'todo_sync.token.source',
  'url.full',
  'http.url',
  'http.response.status_code',
  'http.status_code',
  'http.request.resend_count',
  'error.type',
];

/**
 * One trace as an indented tree: each span's name, duration and key attributes, children
 * under their parent in start order. The root is the span whose parent is not in the trace.
 */
export function renderTraceTree(all: readonly ReceivedSpan[], traceId: string): string[] {
  const spans = all.filter((s) => s.traceId === traceId);
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, ReceivedSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    const list = (children.get(parent) ?? []).sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
    for (const span of list) {
      const ms = Number(span.endNs - span.startNs) / 1e6;
      const attrs = SHOWN.filter((k) => span.attributes[k] !== undefined)
        .map((k) => `${k}=${String(span.attributes[k])}`)
        .join(' ');
      lines.push(
        `${'  '.repeat(depth)}${span.name} ${ms.toFixed(1)} ms${attrs ? `  ${attrs}` : ''}`,
      );
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}
