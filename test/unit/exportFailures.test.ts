import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { metrics, trace } from '@opentelemetry/api';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { explainExportFailure } from '../../src/telemetry/exportFailures.js';
import { startTelemetry, type Telemetry } from '../../src/telemetry/startTelemetry.js';

const REACHABLE =
  '; check that the OTLP collector its OTEL_EXPORTER_OTLP_*ENDPOINT setting names is up and reachable';

describe('explainExportFailure', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4318'), {
    code: 'ECONNREFUSED',
  });

  it('names a network error once, however the processors nest it, and what to check', () => {
    assert.equal(
      explainExportFailure([[refused], refused], true),
      ` (connect ECONNREFUSED 127.0.0.1:4318)${REACHABLE}`,
    );
    assert.equal(
      explainExportFailure(refused, false),
      ' (connect ECONNREFUSED 127.0.0.1:4318)',
      'no OTLP hint without an OTLP collector',
    );
  });

  it("gives the collector's status and its own message, capped", () => {
    const status = JSON.stringify({ code: 16, message: 'api key\n  not valid' });
    assert.equal(
      explainExportFailure([new OTLPExporterError('Unauthorized', 401, status)], true),
      ' (HTTP 401 Unauthorized: api key not valid); check OTEL_EXPORTER_OTLP_HEADERS (where a collector takes its API key)',
    );
    assert.equal(
      explainExportFailure(new OTLPExporterError('Bad Request', 400, '<html>no</html>'), true),
      ' (HTTP 400 Bad Request)',
    );
    const long = JSON.stringify({ message: 'x'.repeat(500) });
    assert.equal(
      explainExportFailure(new OTLPExporterError('Bad Request', 400, long), true),
      ` (HTTP 400 Bad Request: ${'x'.repeat(200)}...)`,
    );
  });

  it('says what "Export failed with retryable status" means', () => {
    assert.equal(
      explainExportFailure([new OTLPExporterError('Export failed with retryable status')], true),
      ' (the collector answered 429, 502, 503 or 504 to every attempt within OTEL_EXPORTER_OTLP_TIMEOUT)',
    );
  });

  it('is "unknown error" for a failure that carries nothing', () => {
    assert.equal(explainExportFailure([undefined], true), ` (unknown error)${REACHABLE}`);
  });
});

describe('export failures said by the SDK the app starts (a collector answering 401)', () => {
  let server: Server;
  let telemetry: Telemetry;
  const warnings: string[] = [];
  before(async () => {
    server = createServer((request, response) => {
      request.resume().on('end', () => {
        response
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 16, message: 'missing api-key header' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`,
    };
    Object.assign(process.env, env);
    telemetry = await startTelemetry(env, {
      serviceName: 'todo-sync-test',
      warn: (message) => warnings.push(message),
      diagnostic: () => undefined,
    });
  });
  after(async () => {
    await telemetry.shutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('says, for spans and for metrics, the status, the message and what to check', async () => {
    trace.getTracer('test').startSpan('a span').end();
    metrics.getMeter('test').createCounter('a_counter').add(1);
    await telemetry.flush();
    const hint =
      '(HTTP 401 Unauthorized: missing api-key header); check OTEL_EXPORTER_OTLP_HEADERS (where a collector takes its API key)';
    assert.deepEqual(warnings.sort(), [
      `telemetry: exporting metrics failed ${hint}`,
      `telemetry: exporting spans failed ${hint}`,
    ]);
  });
});
