// The App Service managed identity endpoint (IDENTITY_ENDPOINT / IDENTITY_HEADER, api-version
// 2019-08-01) on loopback plain HTTP, as App Service itself serves it. With these two variables in
// a process's environment, @azure/identity's ManagedIdentityCredential (through MSAL Node's
// AppService source) and DefaultAzureCredential get their tokens here; the IdP signs them.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IdentityProvider } from './identityProvider.js';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import { Stalls } from './stall.js';
import type { StallSwitches } from './stall.js';

export interface ManagedIdentity {
  clientId: string;
  objectId: string;
  /** ARM resource ID, for `mi_res_id` requests. */
  resourceId?: string;
}

export interface ManagedIdentityEndpointOptions {
  idp: IdentityProvider;
  port?: number;
  identities: ManagedIdentity[];
  /**
   * Resources that exist in the tenant (without `/.default`); a token for any other is refused
   * as Entra refuses an unknown resource. Default: Key Vault, Azure Monitor (telemetry
   * ingestion) and the token-exchange audience.
   */
  resources?: string[];
}

export interface ManagedIdentityRequest {
  resource: string | undefined;
  /** The client ID of the identity that got the token, if any did. */
  clientId: string | undefined;
  status: number;
  at: number;
}

export interface ManagedIdentityEndpoint {
  /** The IDENTITY_ENDPOINT value: `http://127.0.0.1:<port>/msi/token`. */
  endpoint: string;
  /** The IDENTITY_HEADER value: a random secret, new per start. */
  header: string;
  port: number;
  /** Token requests (answered or refused), in total or for one resource. */
  tokenRequests(resource?: string): number;
  requests(): ManagedIdentityRequest[];
  /**
   * Token requests to stall instead of answering (stall.ts): read and never answered, headers
   * only, or trickled. Logged with status 0.
   */
  readonly stalls: StallSwitches;
  stop(): Promise<void>;
}

export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
const DEFAULT_RESOURCES = [
  'https://vault.azure.net',
  'https://monitor.azure.com',
  TOKEN_EXCHANGE_AUDIENCE,
];
const API_VERSION = '2019-08-01';
const TOKEN_PATH = '/msi/token';

interface Reply {
  status: number;
  body: unknown;
  clientId?: string;
}

/** App Service's error shape; MSAL reads `message` and `correlationId` from it. */
function failure(status: number, message: string): Reply {
  return { status, body: { statusCode: status, message, correlationId: randomUUID() } };
}

/** Resource URIs compare without `/.default` or a trailing slash (`https://vault.azure.net/`). */
function normalize(resource: string): string {
  return resource.replace(/\/\.default$/, '').replace(/\/+$/, '');
}

export async function startManagedIdentityEndpoint(
  opts: ManagedIdentityEndpointOptions,
): Promise<ManagedIdentityEndpoint> {
  const { idp, identities } = opts;
  const resources = new Set((opts.resources ?? DEFAULT_RESOURCES).map(normalize));
  const header = randomBytes(24).toString('hex');
  const log: ManagedIdentityRequest[] = [];
  const stalls = new Stalls();

  function pickIdentity(query: URLSearchParams): ManagedIdentity | Reply {
    const selectors = [
      ['client_id', (i: ManagedIdentity) => i.clientId],
      ['object_id', (i: ManagedIdentity) => i.objectId],
      ['mi_res_id', (i: ManagedIdentity) => i.resourceId],
    ] as const;
    const given = selectors.filter(([param]) => query.has(param));
    if (given.length > 1) {
      return failure(400, 'Only one of client_id, object_id or mi_res_id may be given.');
    }
    const [selector] = given;
    if (selector === undefined) {
      // No selector means the system-assigned identity; here, the only identity if there is one.
      const [only, ...others] = identities;
      return only !== undefined && others.length === 0
        ? only
        : failure(400, 'No managed identity selected and no single identity to default to.');
    }
    const [param, field] = selector;
    const wanted = query.get(param)?.toLowerCase();
    const found = identities.find((i) => field(i)?.toLowerCase() === wanted);
    return found ?? failure(400, 'Unable to load the proper Managed Identity.');
  }

  async function handle(req: IncomingMessage, url: URL): Promise<Reply> {
    if (normalize(url.pathname).toLowerCase() !== TOKEN_PATH) return failure(404, 'Not found.');
    if (req.method !== 'GET') return failure(405, 'Only GET is supported.');
    const presented = req.headers['x-identity-header'];
    if (presented === undefined) return failure(400, 'The X-IDENTITY-HEADER header is missing.');
    if (presented !== header) return failure(401, 'The X-IDENTITY-HEADER header is not valid.');
    if (url.searchParams.get('api-version') !== API_VERSION) {
      return failure(400, `Unsupported api-version; this endpoint speaks ${API_VERSION}.`);
    }
    const resource = url.searchParams.get('resource');
    if (!resource) return failure(400, 'The resource query parameter is missing.');
    const identity = pickIdentity(url.searchParams);
    if ('status' in identity) return identity;
    if (!resources.has(normalize(resource))) {
      return failure(
        400,
        `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${idp.tenantId}.`,
      );
    }
    const token = await idp.mintManagedIdentityToken({
      clientId: identity.clientId,
      objectId: identity.objectId,
      resource,
    });
    // App Service's 2019-08-01 shape: expires_on is a string of Unix seconds (MSAL Node
    // subtracts the current time from it, and would also take an ISO 8601 date).
    return {
      status: 200,
      clientId: identity.clientId,
      body: {
        access_token: token.accessToken,
        expires_on: String(token.expiresOn),
        resource,
        token_type: 'Bearer',
        client_id: identity.clientId,
      },
    };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const stall = stalls.take(req);
    if (stall) {
      const resource = url.searchParams.get('resource') ?? undefined;
      log.push({ resource, clientId: undefined, status: 0, at });
      stalls.play(req, res, stall);
      return;
    }
    const send = (reply: Reply): void => {
      log.push({
        resource: url.searchParams.get('resource') ?? undefined,
        clientId: reply.clientId,
        status: reply.status,
        at,
      });
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(reply.body));
    };
    req.resume();
    handle(req, url).then(send, (error: unknown) => {
      send(failure(500, error instanceof Error ? error.message : 'failure'));
    });
  });
  const port = await listenOnLoopback(server, opts.port);

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}${TOKEN_PATH}`,
    header,
    port,
    tokenRequests: (resource) =>
      resource === undefined
        ? log.length
        : log.filter(
            (r) => r.resource !== undefined && normalize(r.resource) === normalize(resource),
          ).length,
    requests: () => log.map((r) => ({ ...r })),
    stalls,
    stop() {
      stalls.stop();
      stopped ??= closeServer(server);
      return stopped;
    },
  };
}
