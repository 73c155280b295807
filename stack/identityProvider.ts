// A local, Entra-shaped token service: oidc-provider mounted under /<tenant>/v2.0 on loopback
// HTTPS, issuing app-only JWT access tokens by client credentials, so MSAL Node talks to it
// exactly as it talks to login.microsoftonline.com. It also signs managed-identity tokens for
// the local managed identity endpoint, with the same keys and issuer.
import {
  createPublicKey,
  generateKeyPair as generateKeyPairCb,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import type * as OidcProviderModule from 'oidc-provider';
import type { Configuration, IssuedToken, ProviderContext } from 'oidc-provider';
import {
  authenticateClient,
  presentedMethod,
  registerCertificate,
} from './clientAuthentication.js';
import type {
  ClientAuthContext,
  ClientAuthMethod,
  ClientCredentials,
  FederatedCredential,
} from './clientAuthentication.js';
import { createAdapterFactory } from './oidcAdapter.js';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import { Stalls } from './stall.js';
import type { StallSwitches } from './stall.js';
import type { LocalCa } from './tls.js';

export type { ClientAuthMethod, FederatedCredential } from './clientAuthentication.js';

export interface DaemonClient {
  clientId: string;
  clientSecret: string;
  roles: string[];
  /** A certificate (PEM) whose key may sign client assertions (private_key_jwt). */
  certificatePem?: string;
  federatedCredentials?: FederatedCredential[];
}

export interface ManagedIdentityTokenRequest {
  /** The identity's client (application) ID: `appid` / `azp`. */
  clientId: string;
  /** The identity's object (principal) ID: `sub` / `oid`. */
  objectId: string;
  /** The audience, without `/.default`, e.g. `https://vault.azure.net`. */
  resource: string;
}

export interface ManagedIdentityToken {
  accessToken: string;
  /** Unix seconds. */
  expiresOn: number;
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
  /** `<issuer>/token`: also the `aud` a certificate assertion must carry. */
  tokenEndpoint: string;
  /** POSTs to the token endpoint, including failed and fault-injected ones. */
  tokenRequests(): number;
  /**
   * The same, by the credential each request presented (a client assertion whose issuer is the
   * client itself is a certificate; any other is federated). Refused requests count too.
   */
  tokenRequestsBy(method: ClientAuthMethod): number;
  /** Every access token issued (managed-identity tokens too), in order, for leak tests. */
  issuedTokens(): string[];
  /** Rotation: from now on only `newSecret` authenticates the client. */
  setClientSecret(clientId: string, newSecret: string): void;
  /**
   * Rotation: from now on only this certificate's key authenticates the client by assertion
   * (`undefined` removes the certificate credential).
   */
  setClientCertificate(clientId: string, certPem: string | undefined): void;
  /** Trusts assertions with this issuer, subject and audience for the client. */
  addFederatedCredential(clientId: string, credential: FederatedCredential): void;
  /** A managed-identity access token signed with this IdP's keys (for the local MI endpoint). */
  mintManagedIdentityToken(request: ManagedIdentityTokenRequest): Promise<ManagedIdentityToken>;
  /** Roles for tokens issued from now on; none leaves the `roles` claim out, as Entra does. */
  setRoles(clientId: string, roles: string[]): void;
  /** The next `n` token requests fail with `status` and an OAuth error body. */
  failNextTokenRequests(n: number, status?: number): void;
  /**
   * Token requests to stall instead of answering (stall.ts): read and never answered, answered
   * with headers only, or trickled. Counted like any token request.
   */
  readonly tokenStalls: StallSwitches;
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

interface RegisteredClient extends ClientCredentials {
  roles: string[];
  /** Between the gate and oidc-provider only; see the design note in startIdentityProvider. */
  providerSecret: string;
}

/** What oidc-provider sees of a client: one secret that only the gate ever presents. */
function clientMetadata(client: RegisteredClient): Record<string, unknown> {
  return {
    client_id: client.clientId,
    client_secret: client.providerSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_post',
  };
}

function registerClient(client: DaemonClient): RegisteredClient {
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    roles: [...client.roles],
    ...(client.certificatePem === undefined
      ? {}
      : { certificate: registerCertificate(client.certificatePem) }),
    federatedCredentials: [...(client.federatedCredentials ?? [])],
    providerSecret: randomBytes(32).toString('base64url'),
  };
}

const MAX_TOKEN_REQUEST_BYTES = 64 * 1024;
const CLIENT_CREDENTIAL_PARAMS = ['client_secret', 'client_assertion', 'client_assertion_type'];

async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The request as oidc-provider should read it: same socket, method, URL and headers, but a
 * rewritten body and no Authorization header (the gate has consumed the client credential).
 */
function requestWithBody(original: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(original.socket);
  copy.method = original.method ?? 'POST';
  copy.url = original.url ?? '/';
  copy.httpVersion = original.httpVersion;
  copy.httpVersionMajor = original.httpVersionMajor;
  copy.httpVersionMinor = original.httpVersionMinor;
  const headers = { ...original.headers, 'content-length': String(body.length) };
  delete headers.authorization;
  copy.headers = headers;
  copy.push(body);
  copy.push(null);
  // Complete, so that destroying the copy later never takes the shared socket down with it.
  copy.complete = true;
  return copy;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** Entra's rule for client credentials: exactly one `<resource>/.default` scope names the resource. */
function resourceFromScope(scope: unknown): string | undefined {
  if (typeof scope !== 'string') return undefined;
  const defaults = scope.split(' ').filter((s) => s.endsWith(DEFAULT_SCOPE_SUFFIX));
  if (defaults.length !== 1 || defaults[0] === undefined) return undefined;
  return defaults[0].slice(0, -DEFAULT_SCOPE_SUFFIX.length);
}

/** The OAuth error Entra answers with each status (RFC 6749 section 5.2 and its 5xx use). */
function oauthErrorFor(status: number): string {
  if (status === 400) return 'invalid_request';
  if (status === 401) return 'invalid_client';
  return status === 503 || status === 429 ? 'temporarily_unavailable' : 'server_error';
}

interface SigningKey {
  jwk: Record<string, unknown>;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
    kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}

export async function startIdentityProvider(
  opts: IdentityProviderOptions,
): Promise<IdentityProvider> {
  const tenantId = opts.tenantId ?? DEFAULT_TENANT_ID;
  const { apiAppIdUri } = opts;
  const registry = new Map<string, RegisteredClient>();
  for (const client of opts.clients) registry.set(client.clientId, registerClient(client));

  const [{ default: Provider, errors }, signingKey] = await Promise.all([
    loadOidcProvider(),
    generateSigningKey(),
  ]);

  const { key, cert } = opts.ca.issueServerCert();
  const server = createServer({ key, cert });
  const port = await listenOnLoopback(server, opts.port);
  const authority = `https://127.0.0.1:${port}/${tenantId}`;
  const issuer = `${authority}/v2.0`;
  const mountPath = `/${tenantId}/v2.0`;
  const tokenPath = `${mountPath}/token`;
  const tokenEndpoint = `${issuer}/token`;

  let tokenRequestCount = 0;
  const tokenRequestsByMethod: Record<ClientAuthMethod, number> = {
    secret: 0,
    certificate: 0,
    federated: 0,
  };
  const issued: string[] = [];
  const serverErrors: unknown[] = [];
  const pendingFailures: number[] = [];
  const stalls = new Stalls();
  const authContext: ClientAuthContext = {
    tenantId,
    tokenEndpoint,
    issuer,
    issuerPublicKey: signingKey.publicKey,
    findClient: (clientId) => registry.get(clientId),
  };

  const configuration: Configuration = {
    adapter: createAdapterFactory((clientId) => {
      const client = registry.get(clientId);
      return client ? clientMetadata(client) : undefined;
    }),
    jwks: { keys: [signingKey.jwk] },
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
      const roles = registry.get(clientId)?.roles ?? [];
      return Promise.resolve({
        // Entra leaves `roles` out when no app role is granted (no admin consent): a token
        // with neither `roles` nor `scp`, which Microsoft.Identity.Web answers with 401.
        ...(roles.length > 0 ? { roles: [...roles] } : {}),
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
    await next();
    if (ctx.method !== 'POST' || ctx.path !== '/token') return;
    const body = ctx.body as { access_token?: unknown } | undefined;
    if (typeof body?.access_token === 'string') issued.push(body.access_token);
  });

  const providerCallback = provider.callback();
  const toProvider = (req: IncomingMessage, res: ServerResponse, url: string): void => {
    // oidc-provider derives its endpoint URLs from originalUrl minus url (how Express mounts).
    Object.assign(req, { originalUrl: url });
    req.url = url.slice(mountPath.length) || '/';
    providerCallback(req, res);
  };

  /*
   * The token endpoint's front gate. Design note: oidc-provider registers exactly one
   * token_endpoint_auth_method per client, has no federated-credential method at all, and
   * enforces single-use assertion jti's (Entra does not, and MSAL reuses a certificate assertion
   * for up to 10 minutes). So client authentication happens here, by Entra's rules
   * (clientAuthentication.ts), and an authenticated request goes on to oidc-provider rewritten
   * to the one thing it checks: client_secret_post with a per-client secret that never leaves
   * this process. oidc-provider keeps doing everything else (grant, scope, resource, token).
   */
  const handleTokenRequest = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
  ): Promise<void> => {
    tokenRequestCount += 1;
    const body = await readLimited(req, MAX_TOKEN_REQUEST_BYTES);
    const params = new URLSearchParams(body?.toString('utf8') ?? '');
    const method = presentedMethod(params, req.headers.authorization);
    if (method !== undefined) tokenRequestsByMethod[method] += 1;

    const stall = stalls.take(req);
    if (stall) {
      stalls.play(req, res, stall);
      return;
    }
    const failure = pendingFailures.shift();
    if (failure !== undefined) {
      const headers: Record<string, string> =
        failure === 429 || failure === 503 ? { 'retry-after': '1' } : {};
      sendJson(
        res,
        failure,
        { error: oauthErrorFor(failure), error_description: 'injected fault' },
        headers,
      );
      return;
    }
    if (body === undefined) {
      sendJson(res, 413, { error: 'invalid_request', error_description: 'request too large' });
      return;
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'the token endpoint takes application/x-www-form-urlencoded bodies',
      });
      return;
    }
    const requestId = req.headers['client-request-id'];
    const correlationId = typeof requestId === 'string' && requestId ? requestId : randomUUID();
    const result = await authenticateClient(
      params,
      req.headers.authorization,
      correlationId,
      authContext,
    );
    if (!result.ok) {
      sendJson(res, result.status, result.body);
      return;
    }
    const client = registry.get(result.clientId);
    if (!client) {
      sendJson(res, 500, { error: 'server_error', error_description: 'client vanished' });
      return;
    }
    const forwarded = new URLSearchParams(params);
    for (const name of CLIENT_CREDENTIAL_PARAMS) forwarded.delete(name);
    forwarded.set('client_id', client.clientId);
    forwarded.set('client_secret', client.providerSecret);
    toProvider(requestWithBody(req, Buffer.from(forwarded.toString(), 'utf8')), res, url);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const mounted =
      url === mountPath || url.startsWith(`${mountPath}/`) || url.startsWith(`${mountPath}?`);
    if (!mounted) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    const path = url.split('?', 1)[0];
    if (req.method === 'POST' && (path === tokenPath || path === `${tokenPath}/`)) {
      handleTokenRequest(req, res, url).catch((error: unknown) => {
        serverErrors.push(error);
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
        else res.destroy();
      });
      return;
    }
    toProvider(req, res, url);
  });

  const clientOf = (clientId: string): RegisteredClient => {
    const client = registry.get(clientId);
    if (!client) throw new Error(`unknown client ${clientId}`);
    return client;
  };

  let stopped: Promise<void> | undefined;
  return {
    authority,
    issuer,
    tenantId,
    port,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint,
    tokenRequests: () => tokenRequestCount,
    tokenRequestsBy: (method) => tokenRequestsByMethod[method],
    issuedTokens: () => [...issued],
    setClientSecret(clientId, newSecret) {
      clientOf(clientId).clientSecret = newSecret;
    },
    setClientCertificate(clientId, certPem) {
      const client = clientOf(clientId);
      if (certPem === undefined) delete client.certificate;
      else client.certificate = registerCertificate(certPem);
    },
    addFederatedCredential(clientId, credential) {
      if (credential.issuer !== issuer) {
        // Verifying another issuer's assertions would need its keys; none is needed here.
        throw new Error(
          `only this IdP's own issuer (${issuer}) can be trusted, not ${credential.issuer}`,
        );
      }
      clientOf(clientId).federatedCredentials.push({ ...credential });
    },
    async mintManagedIdentityToken({ clientId, objectId, resource }) {
      const now = Math.floor(Date.now() / 1000);
      const expiresOn = now + ACCESS_TOKEN_TTL_SECONDS;
      // The claims of an Entra app-only token for a managed identity's service principal.
      const accessToken = await new SignJWT({
        oid: objectId,
        appid: clientId,
        azp: clientId,
        tid: tenantId,
        idtyp: 'app',
        ver: '2.0',
        uti: randomBytes(16).toString('base64url'),
      })
        .setProtectedHeader({ alg: 'RS256', kid: signingKey.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(objectId)
        .setAudience(resource)
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(expiresOn)
        .sign(signingKey.privateKey);
      issued.push(accessToken);
      return { accessToken, expiresOn };
    },
    setRoles(clientId, roles) {
      clientOf(clientId).roles = [...roles];
    },
    failNextTokenRequests(n, status = 500) {
      for (let i = 0; i < n; i += 1) pendingFailures.push(status);
    },
    tokenStalls: stalls,
    serverErrors: () => [...serverErrors],
    stop() {
      stalls.stop();
      stopped ??= closeServer(server);
      return stopped;
    },
  };
}
