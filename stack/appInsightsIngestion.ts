// Application Insights' ingestion endpoint (the `IngestionEndpoint` of a connection string) on
// loopback HTTPS, with local authentication disabled, as the infra deploys it: `POST /v2.1/track`
// takes a JSON array of envelopes only with an Entra token for Azure Monitor
// (`https://monitor.azure.com`), checked against the IdP's keys, and only for its own
// instrumentation key. Answers in the service's shape: 200 `{itemsReceived, itemsAccepted,
// errors: []}`; 401 without a valid token, 403 with a token for another audience, 400 for an
// unknown instrumentation key, each listing every envelope as refused.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { errors as joseErrors } from 'jose';
import { createAccessTokenVerifier } from './accessTokenVerifier.js';
import type { IdentityProvider } from './identityProvider.js';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import type { LocalCa } from './tls.js';

/** The resource Azure Monitor's ingestion tokens are for (its exporters ask for `/.default`). */
export const AZURE_MONITOR_RESOURCE = 'https://monitor.azure.com';

/** One telemetry item as the exporters send it (the parts tests read). */
export interface Envelope {
  readonly name: string;
  readonly iKey: string;
  readonly time: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly data: {
    readonly baseType: string;
    readonly baseData: Readonly<Record<string, unknown>>;
  };
}

export interface IngestionRequest {
  readonly status: number;
  readonly items: number;
  /** The token's `appid` (the identity that sent), when it had a valid one. */
  readonly appId: string | undefined;
}

export interface AppInsightsIngestion {
  /** `InstrumentationKey=<guid>;IngestionEndpoint=https://127.0.0.1:<port>/`. */
  readonly connectionString: string;
  readonly instrumentationKey: string;
  /** Envelopes accepted so far. */
  envelopes(): Envelope[];
  requests(): IngestionRequest[];
  /** Every body received, decompressed (for the no-leak checks). */
  rawBodies(): string[];
  clear(): void;
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  items: number;
  appId?: string;
  errors?: { statusCode: number; message: string };
}

export async function startAppInsightsIngestion(opts: {
  ca: LocalCa;
  idp: IdentityProvider;
  port?: number;
}): Promise<AppInsightsIngestion> {
  const instrumentationKey = randomUUID();
  const verify = createAccessTokenVerifier({
    issuer: opts.idp.issuer,
    jwksUri: opts.idp.jwksUri,
    // Entra writes the resource as it was asked for, with or without its trailing slash.
    audience: [AZURE_MONITOR_RESOURCE, `${AZURE_MONITOR_RESOURCE}/`],
    caCertPem: opts.ca.caCertPem,
  });
  let envelopes: Envelope[] = [];
  let requests: IngestionRequest[] = [];
  let raw: string[] = [];

  async function track(req: IncomingMessage, body: Buffer): Promise<Reply> {
    const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString(
      'utf8',
    );
    raw.push(text);
    const parsed = JSON.parse(text) as unknown;
    const items = (Array.isArray(parsed) ? parsed : [parsed]) as Envelope[];
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) {
      return {
        status: 401,
        items: items.length,
        errors: { statusCode: 401, message: 'Authorization token required.' },
      };
    }
    let appId: string | undefined;
    try {
      const claims = await verify(token);
      appId = typeof claims.appid === 'string' ? claims.appid : undefined;
    } catch (error) {
      const audience =
        error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud';
      return audience
        ? {
            status: 403,
            items: items.length,
            errors: {
              statusCode: 403,
              message:
                'The provided credentials have insufficient access to perform the requested operation.',
            },
          }
        : {
            status: 401,
            items: items.length,
            errors: { statusCode: 401, message: 'Invalid authorization token.' },
          };
    }
    if (items.some((item) => item.iKey !== instrumentationKey)) {
      return {
        status: 400,
        items: items.length,
        ...(appId ? { appId } : {}),
        errors: { statusCode: 400, message: 'Invalid instrumentation key' },
      };
    }
    envelopes.push(...items);
    return { status: 200, items: items.length, ...(appId ? { appId } : {}) };
  }

  const { key, cert } = opts.ca.issueServerCert();
  const server = createServer({ key, cert }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?', 1)[0];
      const reply: Promise<Reply> =
        req.method === 'POST' && path === '/v2.1/track'
          ? track(req, Buffer.concat(chunks))
          : Promise.resolve({ status: 404, items: 0 });
      reply
        .catch((): Reply => ({
          status: 400,
          items: 0,
          errors: { statusCode: 400, message: 'Invalid telemetry payload.' },
        }))
        .then((r) => {
          requests.push({ status: r.status, items: r.items, appId: r.appId });
          const errors = r.errors
            ? Array.from({ length: r.items }, (_, index) => ({ index, ...r.errors }))
            : [];
          res.writeHead(r.status, { 'content-type': 'application/json; charset=utf-8' });
          res.end(
            JSON.stringify({
              itemsReceived: r.items,
              itemsAccepted: r.status === 200 ? r.items : 0,
              appId: null,
              errors,
            }),
          );
        })
        .catch(() => res.destroy());
    });
  });
  const port = await listenOnLoopback(server, opts.port);
  let stopped: Promise<void> | undefined;
  return {
    connectionString: `InstrumentationKey=${instrumentationKey};IngestionEndpoint=https://127.0.0.1:${port.toString()}/`,
    instrumentationKey,
    envelopes: () => [...envelopes],
    requests: () => [...requests],
    rawBodies: () => [...raw],
    clear: () => {
      envelopes = [];
      requests = [];
      raw = [];
    },
    stop: () => (stopped ??= closeServer(server)),
  };
}
