import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { statusClass } from '../../src/telemetry/instruments.js';
import { monitorCredential } from '../../src/telemetry/azureMonitorExporters.js';
import { prepareTelemetry } from '../../src/telemetry/startTelemetry.js';
import {
  connectionStringProblem,
  otlpEndpoints,
  otlpExporterChoices,
  telemetryTargets,
} from '../../src/telemetry/telemetryTargets.js';

const CONNECTION =
  'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/';
const UAMI = '22223333-cccc-4444-dddd-5555eeee6666';

const ALL_SIGNALS = ['TRACES', 'METRICS', 'LOGS'];

/** Where telemetry goes, without the problems said about it. */
const targetsOf = (env: Record<string, string | undefined>) => telemetryTargets(env).targets;

/** prepareTelemetry's options, with the warnings it says kept in `warnings`. */
function prepareOptions(): {
  options: Parameters<typeof prepareTelemetry>[1];
  warnings: string[];
} {
  const warnings: string[] = [];
  return {
    options: {
      serviceName: 'todo-sync',
      warn: (message) => warnings.push(message),
      diagnostic: () => undefined,
    },
    warnings,
  };
}

describe('telemetryTargets', () => {
  it('is nowhere without an endpoint or a connection string', () => {
    assert.equal(targetsOf({}), undefined);
    assert.equal(targetsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }), undefined);
    assert.equal(targetsOf({ APPLICATIONINSIGHTS_CONNECTION_STRING: '' }), undefined);
    // Other OTEL_* settings alone export nothing.
    assert.equal(
      targetsOf({ OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' }),
      undefined,
    );
  });

  it('is OTLP only (nothing to Azure Monitor) for any OTLP endpoint setting', () => {
    for (const [name, otlp] of [
      ['OTEL_EXPORTER_OTLP_ENDPOINT', ALL_SIGNALS],
      ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['TRACES']],
      ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', ['METRICS']],
      ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', ['LOGS']],
    ] as const) {
      assert.deepEqual(targetsOf({ [name]: 'http://127.0.0.1:4318' }), { otlp }, name);
    }
    // The authentication string alone does not send anything to Azure Monitor.
    assert.deepEqual(
      targetsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${UAMI};Authorization=AAD`,
      }),
      { otlp: ALL_SIGNALS },
    );
  });

  it('is Azure Monitor with the managed identity the authentication string names', () => {
    assert.deepEqual(
      targetsOf({
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${UAMI};Authorization=AAD`,
      }),
      {
        otlp: [],
        azureMonitor: { connectionString: CONNECTION, managedIdentity: { clientId: UAMI } },
      },
    );
    // Keys case-insensitive, spaces trimmed, in any order.
    assert.deepEqual(
      targetsOf({
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ` authorization=aad ; clientid=${UAMI} `,
      })?.azureMonitor?.managedIdentity,
      { clientId: UAMI },
    );
    // No client id: the system-assigned identity.
    assert.equal(
      targetsOf({
        APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD',
      })?.azureMonitor?.managedIdentity,
      'system',
    );
    // Not AAD, or no authentication string: no credential (instrumentation-key ingestion).
    for (const auth of [undefined, '', `ClientId=${UAMI}`, `ClientId=${UAMI};Authorization=Key`]) {
      assert.deepEqual(
        targetsOf({
          APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
          APPLICATIONINSIGHTS_AUTHENTICATION_STRING: auth,
        }),
        { otlp: [], azureMonitor: { connectionString: CONNECTION } },
        String(auth),
      );
    }
  });

  it('is both when both are set, and nowhere when OTEL_SDK_DISABLED is true', () => {
    const both = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
    };
    assert.deepEqual(targetsOf(both), {
      otlp: ALL_SIGNALS,
      azureMonitor: { connectionString: CONNECTION },
    });
    assert.equal(targetsOf({ ...both, OTEL_SDK_DISABLED: ' TRUE ' }), undefined);
    assert.ok(targetsOf({ ...both, OTEL_SDK_DISABLED: 'false' }));
  });

  it('leaves out what cannot work, and names each problem once, in the order of the settings', () => {
    assert.deepEqual(
      telemetryTargets({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://collector:4318/v1/logs',
        OTEL_METRICS_EXPORTER: 'console',
        APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=not-a-guid',
      }),
      {
        targets: { otlp: ['LOGS'] },
        problems: [
          'OTEL_METRICS_EXPORTER names console, which this app does not have (it has otlp and none); metrics are not exported over OTLP',
          "OTEL_EXPORTER_OTLP_ENDPOINT is not an http:// or https:// URL (an OTLP/HTTP collector's, e.g. http://localhost:4318); nothing is exported to it",
          "nothing is sent to Application Insights: APPLICATIONINSIGHTS_CONNECTION_STRING has an InstrumentationKey that is not a GUID in lower case (copy it from the Application Insights resource's Overview)",
        ],
      },
    );
    // Disabled: nothing read, nothing said.
    assert.deepEqual(
      telemetryTargets({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_SDK_DISABLED: 'true',
      }),
      { targets: undefined, problems: [] },
    );
  });
});

describe('statusClass', () => {
  it('names the class of a status, or network when none came', () => {
    assert.equal(statusClass(200), '2xx');
    assert.equal(statusClass(204), '2xx');
    assert.equal(statusClass(301), '3xx');
    assert.equal(statusClass(404), '4xx');
    assert.equal(statusClass(429), '4xx');
    assert.equal(statusClass(503), '5xx');
    assert.equal(statusClass(undefined), 'network');
  });
});

/**
 * The Azure Monitor exporters' credential, against an endpoint speaking App Service's managed
 * identity protocol (IDENTITY_ENDPOINT / X-IDENTITY-HEADER): it asks for the identity the
 * authentication string names, for Azure Monitor's audience.
 */
describe('the Azure Monitor credential', () => {
  let server: Server;
  const asked: URLSearchParams[] = [];
  const headers: (string | undefined)[] = [];
  before(async () => {
    server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      asked.push(url.searchParams);
      headers.push(request.headers['x-identity-header'] as string | undefined);
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          access_token: 'monitor-token',
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          resource: url.searchParams.get('resource'),
          token_type: 'Bearer',
          client_id: url.searchParams.get('client_id'),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}/msi/token`;
    process.env.IDENTITY_HEADER = 'identity-header-value';
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('is the user-assigned managed identity of APPLICATIONINSIGHTS_AUTHENTICATION_STRING', async () => {
    const targets = targetsOf({
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${UAMI};Authorization=AAD`,
    });
    const credential = await monitorCredential(targets?.azureMonitor?.managedIdentity);
    assert.ok(credential, 'a credential');
    assert.equal(credential.constructor.name, 'ManagedIdentityCredential');
    const token = await credential.getToken('https://monitor.azure.com//.default');
    assert.ok(token);
    assert.equal(token.token, 'monitor-token');
    const [query] = asked;
    assert.ok(query && asked.length === 1, 'one request to the managed identity endpoint');
    assert.equal(query.get('client_id'), UAMI);
    assert.equal(query.get('resource'), 'https://monitor.azure.com/');
    assert.equal(headers[0], 'identity-header-value');
  });

  it('is none without Entra authentication', async () => {
    assert.equal(await monitorCredential(undefined), undefined);
  });
});

describe('otlpEndpoints', () => {
  const URL_ = 'http://collector:4318';
  it('sends each signal to its own endpoint, else to the base one, if it is an http(s) URL', () => {
    assert.deepEqual(otlpEndpoints({}), { signals: [], unusable: [] });
    assert.deepEqual(otlpEndpoints({ OTEL_EXPORTER_OTLP_ENDPOINT: URL_ }), {
      signals: ['TRACES', 'METRICS', 'LOGS'],
      unusable: [],
    });
    assert.deepEqual(
      otlpEndpoints({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://collector/v1/metrics' }),
      { signals: ['METRICS'], unusable: [] },
    );
    // A base endpoint without a scheme: named once; a signal with its own good one still goes.
    assert.deepEqual(
      otlpEndpoints({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${URL_}/v1/logs`,
      }),
      { signals: ['LOGS'], unusable: ['OTEL_EXPORTER_OTLP_ENDPOINT'] },
    );
    // A signal's own bad endpoint leaves that signal out, whatever the base one is.
    assert.deepEqual(
      otlpEndpoints({
        OTEL_EXPORTER_OTLP_ENDPOINT: URL_,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x',
      }),
      { signals: ['METRICS', 'LOGS'], unusable: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] },
    );
    assert.equal(targetsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }), undefined);
  });
});

describe('OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER', () => {
  const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

  it('unset or empty: every signal may go over OTLP, without a word', () => {
    assert.deepEqual(otlpExporterChoices({}), { signals: ALL_SIGNALS, problems: [] });
    assert.deepEqual(otlpExporterChoices({ OTEL_TRACES_EXPORTER: '', OTEL_LOGS_EXPORTER: ' , ' }), {
      signals: ALL_SIGNALS,
      problems: [],
    });
  });

  it('none sends that signal nowhere over OTLP; otlp keeps it (any case, spaces trimmed)', () => {
    assert.deepEqual(
      otlpExporterChoices({
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: ' OTLP ',
        OTEL_LOGS_EXPORTER: 'None',
      }),
      { signals: ['METRICS'], problems: [] },
    );
    assert.deepEqual(otlpEndpoints({ ...ENDPOINT, OTEL_LOGS_EXPORTER: 'none' }).signals, [
      'TRACES',
      'METRICS',
    ]);
    // A signal that is off has its endpoint left unread: nothing to say about it.
    assert.deepEqual(
      otlpEndpoints({
        ...ENDPOINT,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector/v1/traces',
        OTEL_TRACES_EXPORTER: 'none',
      }),
      { signals: ['METRICS', 'LOGS'], unusable: [] },
    );
  });

  it('names an exporter this app does not have, and sends the signal over OTLP only if asked', () => {
    assert.deepEqual(otlpExporterChoices({ OTEL_TRACES_EXPORTER: 'console' }), {
      signals: ['METRICS', 'LOGS'],
      problems: [
        'OTEL_TRACES_EXPORTER names console, which this app does not have (it has otlp and none); spans are not exported over OTLP',
      ],
    });
    assert.deepEqual(otlpExporterChoices({ OTEL_METRICS_EXPORTER: 'otlp,prometheus,prometheus' }), {
      signals: ALL_SIGNALS,
      problems: [
        'OTEL_METRICS_EXPORTER names prometheus, which this app does not have (it has otlp and none); metrics are exported over OTLP only',
      ],
    });
    // none beside others: the default, otlp, as OpenTelemetry's Node SDK takes it.
    assert.deepEqual(otlpExporterChoices({ OTEL_LOGS_EXPORTER: 'zipkin, none' }), {
      signals: ALL_SIGNALS,
      problems: [
        'OTEL_LOGS_EXPORTER names none beside other exporters; the default, otlp, is used',
      ],
    });
  });

  it('all three none: nothing to export over OTLP, so no SDK; Application Insights is not one of them', () => {
    const none = {
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    };
    assert.equal(targetsOf({ ...ENDPOINT, ...none }), undefined);
    assert.deepEqual(
      targetsOf({ ...ENDPOINT, ...none, APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION }),
      { otlp: [], azureMonitor: { connectionString: CONNECTION } },
    );
  });

  it('tells the Functions host the worker sends its logs only when log records go somewhere', () => {
    const { options } = prepareOptions();
    const logs = (env: Record<string, string>) => prepareTelemetry(env, options)?.logs;
    assert.equal(logs(ENDPOINT), true);
    assert.equal(logs({ ...ENDPOINT, OTEL_LOGS_EXPORTER: 'none' }), false);
    assert.equal(
      logs({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }),
      false,
    );
    assert.equal(logs({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://collector:4318/v1/logs' }), true);
    assert.equal(
      logs({ OTEL_LOGS_EXPORTER: 'none', APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION }),
      true,
    );
  });

  it('says what it cannot do as asked before anything loads, and only then', () => {
    const { options, warnings } = prepareOptions();
    assert.ok(prepareTelemetry({ ...ENDPOINT, OTEL_TRACES_EXPORTER: 'console' }, options));
    assert.equal(
      prepareTelemetry(
        { ...ENDPOINT, OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'jaeger' },
        options,
      ),
      undefined,
    );
    assert.deepEqual(warnings, [
      'telemetry: OTEL_TRACES_EXPORTER names console, which this app does not have (it has otlp and none); spans are not exported over OTLP',
    ]);
  });
});

describe('connectionStringProblem', () => {
  const GUID = '4b6a3c2d-1e0f-4a5b-8c7d-9e8f7a6b5c4d';
  const cases = [
    `InstrumentationKey=${GUID}`,
    `InstrumentationKey=${GUID};`,
    `instrumentationkey=${GUID};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
    `InstrumentationKey=bad;InstrumentationKey=${GUID}`,
    `InstrumentationKey=${GUID.toUpperCase()}`,
    `InstrumentationKey= ${GUID}`,
    ` InstrumentationKey=${GUID}`,
    `InstrumentationKey=${GUID}=`,
    'InstrumentationKey=not-a-guid',
    'IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
    GUID,
  ];

  it("agrees with Application Insights' exporter on which connection strings it takes", async () => {
    // The exporter's own check, which throws from its constructor, is what ours stands in for
    // before the SDK loads.
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
    const { AzureMonitorTraceExporter } = await import('@azure/monitor-opentelemetry-exporter');
    let taken = 0;
    for (const connectionString of cases) {
      let refused: string | undefined;
      try {
        await new AzureMonitorTraceExporter({
          connectionString,
          disableOfflineStorage: true,
        }).shutdown();
        taken++;
      } catch (err) {
        refused = (err as Error).message;
      }
      const problem = connectionStringProblem(connectionString);
      assert.equal(
        problem === undefined,
        refused === undefined,
        `${connectionString}: ${problem ?? 'taken'} / exporter: ${refused ?? 'taken'}`,
      );
      assert.ok(!problem?.includes(GUID) && !problem?.includes('not-a-guid'), 'never quotes it');
    }
    assert.ok(taken >= 3 && taken < cases.length, 'the table has both kinds');
  });

  it('leaves Application Insights out, and says so, when its exporter would refuse', () => {
    const { options, warnings } = prepareOptions();
    const bad = { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=not-a-guid' };
    assert.equal(prepareTelemetry(bad, options), undefined, 'nothing else to export to');
    assert.ok(
      prepareTelemetry({ ...bad, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, options),
      'the OTLP endpoint still gets telemetry',
    );
    assert.deepEqual(warnings, [
      "telemetry: nothing is sent to Application Insights: APPLICATIONINSIGHTS_CONNECTION_STRING has an InstrumentationKey that is not a GUID in lower case (copy it from the Application Insights resource's Overview)",
      "telemetry: nothing is sent to Application Insights: APPLICATIONINSIGHTS_CONNECTION_STRING has an InstrumentationKey that is not a GUID in lower case (copy it from the Application Insights resource's Overview)",
    ]);
  });
});
