// A local, Entra-shaped token service: oidc-provider mounted under /<tenant>/v2.0 on loopback
// HTTPS, issuing app-only JWT access tokens by client credentials, so MSAL Node talks to it
// exactly as it talks to login.microsoftonline.com.
import { generateKeyPair as generateKeyPairCb, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { promisify } from 'node:util';
import type * as OidcProviderModule from 'oidc-provider';
import type { Configuration, IssuedToken, ProviderContext } from 'oidc-provider';
import { createAdapterFactory } from './oidcAdapter.js';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import type { LocalCa } from './tls.js';

export interface DaemonClient {
  clientId: string;
  clientSecret: string;
  roles: string[];
}

export interface IdentityProviderOptions {
  ca: LocalCa;
  port?: number;
  tenantId?: string;
  clients: DaemonClient[];
  apiAppIdUri: string;
}

export interface IdentityProvider {
  /** `https://127.0.0.1:<port>/<tenant>`: what MSAL takes as `authority`. */
  authority: string;
  /** `<authority>/v2.0`: the `iss` of every token. */
  issuer: string;
  tenantId: string;
  port: number;
  jwksUri: string;
  /** POSTs to the token endpoint, including failed and fault-injected ones. */
  tokenRequests(): number;
  /** Every access token issued, in order (for tests that look for leaks). */
  issuedTokens(): string[];
  /** Rotation: from now on only `newSecret` authenticates the client. */
  setClientSecret(clientId: string, newSecret: string): void;
  /** Roles for tokens issued from now on. */
  setRoles(clientId: string, roles: string[]): void;
  /** The next `n` token requests fail with `status` and an OAuth error body. */
  failNextTokenRequests(n: number, status?: number): void;
  /** Unexpected errors inside oidc-provider (kept off the console so output stays clean). */
  serverErrors(): unknown[];
  stop(): Promise<void>;
}

/** A fixed, GUID-shaped tenant so URLs look like Entra's. */
const DEFAULT_TENANT_ID = '0c5e1b2a-7d3f-4e8a-9b61-2f4d8c7a1e35';
const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
const DEFAULT_SCOPE_SUFFIX = '/.default';

const generateKeyPair = promisify(generateKeyPairCb);

let oidcProviderModule: Promise<typeof OidcProviderModule> | undefined;

/**
 * oidc-provider warns on import that Node 20 is an unsupported runtime (it works: see
 * shared/notes). Loading it lazily lets that one known line be dropped; anything else it
 * prints still goes through.
 */
function loadOidcProvider(): Promise<typeof OidcProviderModule> {
  oidcProviderModule ??= (async () => {
    const originalWarn = console.warn;
    console.warn = (...args: unknown[]) => {
      const [first] = args;
      if (typeof first === 'string' && first.includes('oidc-provider WARNING: Unsupported runtime'))
        return;
      originalWarn.apply(console, args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = originalWarn;
    }
  })();
  return oidcProviderModule;
}

/**
 * The registered metadata of a daemon client. Other client kinds (private_key_jwt with a public
 * JWK, federated assertions) become further cases here.
 */
function clientMetadata(client: DaemonClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    // MSAL Node sends client_id and client_secret in the form body.
    token_endpoint_auth_method: 'client_secret_post',
  };
}

/** Entra's rule for client credentials: exactly one `<resource>/.default` scope names the resource. */
function resourceFromScope(scope: unknown): string | undefined {
  if (typeof scope !== 'string') return undefined;
  const defaults = scope.split(' ').filter((s) => s.endsWith(DEFAULT_SCOPE_SUFFIX));
  if (defaults.length !== 1 || defaults[0] === undefined) return undefined;
  return defaults[0].slice(0, -DEFAULT_SCOPE_SUFFIX.length);
}

function oauthErrorFor(status: number): string {
  return status === 503 || status === 429 ? 'temporarily_unavailable' : 'server_error';
}

async function generateSigningJwk(): Promise<Record<string, unknown>> {
  const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomUUID(),
    alg: 'RS256',
    use: 'sig',
  };
}

export async function startIdentityProvider(
  opts: IdentityProviderOptions,
): Promise<IdentityProvider> {
  const tenantId = opts.tenantId ?? DEFAULT_TENANT_ID;
  const { apiAppIdUri } = opts;
  const registry = new Map<string, DaemonClient>();
  for (const client of opts.clients) registry.set(client.clientId, { ...client });

  const [{ default: Provider, errors }, signingJwk] = await Promise.all([
    loadOidcProvider(),
    generateSigningJwk(),
  ]);

  const { key, cert } = opts.ca.issueServerCert();
  const server = createServer({ key, cert });
  const port = await listenOnLoopback(server, opts.port);
  const authority = `https://127.0.0.1:${port}/${tenantId}`;
  const issuer = `${authority}/v2.0`;
  const mountPath = `/${tenantId}/v2.0`;

  let tokenRequestCount = 0;
  const issued: string[] = [];
  const serverErrors: unknown[] = [];
  const pendingFailures: number[] = [];

  const configuration: Configuration = {
    adapter: createAdapterFactory((clientId) => {
      const client = registry.get(clientId);
      return client ? clientMetadata(client) : undefined;
    }),
    jwks: { keys: [signingJwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // MSAL sends no `resource`, only `<appIdUri>/.default`: derive the resource from it.
        defaultResource: (ctx: { oidc: { params: { scope?: unknown } } }) => {
          const { scope } = ctx.oidc.params;
          const resource = resourceFromScope(scope);
          if (resource === undefined) {
            throw new errors.InvalidScope(
              'client credentials need exactly one scope of the form <resource>/.default',
              typeof scope === 'string' ? scope : '',
            );
          }
          return Promise.resolve(resource);
        },
        useGrantedResource: () => Promise.resolve(true),
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== apiAppIdUri) {
            throw new errors.InvalidTarget(`unknown resource ${resource}`);
          }
          return Promise.resolve({
            scope: `${resource}${DEFAULT_SCOPE_SUFFIX}`,
            audience: resource,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: 'RS256' } },
          });
        },
      },
    },
    ttl: { ClientCredentials: ACCESS_TOKEN_TTL_SECONDS },
    // The claims an Entra app-only token carries and the API authorizes on.
    extraTokenClaims: (_ctx: unknown, token: IssuedToken) => {
      const clientId = token.clientId;
      if (clientId === undefined) return Promise.resolve(undefined);
      const client = registry.get(clientId);
      return Promise.resolve({
        roles: [...(client?.roles ?? [])],
        idtyp: 'app',
        tid: tenantId,
        azp: clientId,
        appid: clientId,
        ver: '2.0',
      });
    },
    // No browser client exists here; answering explicitly also keeps the default's notice quiet.
    clientBasedCORS: () => false,
    renderError: (ctx: ProviderContext, out: Record<string, unknown>) => {
      ctx.set('content-type', 'application/json; charset=utf-8');
      ctx.body = JSON.stringify(out);
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx: unknown, error: unknown) => serverErrors.push(error));
  // Without an 'error' listener Koa prints every error to stderr.
  provider.on('error', (error: unknown) => serverErrors.push(error));

  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== '/token') {
      await next();
      return;
    }
    tokenRequestCount += 1;
    const failure = pendingFailures.shift();
    if (failure !== undefined) {
      ctx.status = failure;
      if (failure === 429 || failure === 503) ctx.set('retry-after', '1');
      ctx.body = { error: oauthErrorFor(failure), error_description: 'injected fault' };
      return;
    }
    await next();
    const body = ctx.body as { access_token?: unknown } | undefined;
    if (typeof body?.access_token === 'string') issued.push(body.access_token);
  });

  const providerCallback = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const mounted =
      url === mountPath || url.startsWith(`${mountPath}/`) || url.startsWith(`${mountPath}?`);
    if (!mounted) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not_found' }));
      return;
    }
    // oidc-provider derives its endpoint URLs from originalUrl minus url (how Express mounts).
    Object.assign(req, { originalUrl: url });
    req.url = url.slice(mountPath.length) || '/';
    providerCallback(req, res);
  });

  let stopped: Promise<void> | undefined;
  return {
    authority,
    issuer,
    tenantId,
    port,
    jwksUri: `${issuer}/jwks`,
    tokenRequests: () => tokenRequestCount,
    issuedTokens: () => [...issued],
    setClientSecret(clientId, newSecret) {
      const client = registry.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      client.clientSecret = newSecret;
    },
    setRoles(clientId, roles) {
      const client = registry.get(clientId);
      if (!client) throw new Error(`unknown client ${clientId}`);
      client.roles = [...roles];
    },
    failNextTokenRequests(n, status = 500) {
      for (let i = 0; i < n; i += 1) pendingFailures.push(status);
    },
    serverErrors: () => [...serverErrors],
    stop() {
      stopped ??= closeServer(server);
      return stopped;
    },
  };
}
