// A local Key Vault for secrets on loopback HTTPS, speaking the REST and challenge protocol that
// @azure/keyvault-secrets speaks to Azure: an unauthenticated probe gets a 401 challenge naming
// the authority and resource, then requests carry a bearer token from the local IdP.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { errors as joseErrors } from 'jose';
import { createAccessTokenVerifier } from './accessTokenVerifier.js';
import { pkcs12ToPemBundle } from './daemonCertificate.js';
import type { IdentityProvider } from './identityProvider.js';
import { closeServer, listenOnLoopback } from './serverLifecycle.js';
import { Stalls } from './stall.js';
import type { StallSwitches } from './stall.js';
import type { LocalCa } from './tls.js';

export interface KeyVaultOptions {
  ca: LocalCa;
  port?: number;
  idp: IdentityProvider;
}

export interface SetSecretOptions {
  value: string;
  contentType?: string;
  enabled?: boolean;
  /** Informational, as in Azure: an expired secret is still returned, with `exp` set. */
  expiresOn?: Date;
  notBefore?: Date;
  /**
   * True for the secret behind a Key Vault certificate: the response then has `managed: true`
   * and a `kid`, and a PKCS#12 value can be read as PEM with `outContentType`.
   */
  managed?: boolean;
}

export interface VaultRequest {
  method: string;
  path: string;
  status: number;
  at: number;
  /** Whether the request carried a valid bearer token. */
  authenticated: boolean;
}

export interface KeyVault {
  /** `https://127.0.0.1:<port>`: what SecretClient takes. */
  vaultUrl: string;
  port: number;
  /** Stores a new version, which becomes the current one; returns its id (32 hex digits). */
  setSecret(name: string, opts: SetSecretOptions): string;
  setEnabled(name: string, version: string, enabled: boolean): void;
  /** The version `GET /secrets/{name}` returns (the last one set). */
  currentVersion(name: string): string | undefined;
  /** While true, every authenticated request gets 403 ForbiddenByRbac (no role assignment). */
  setForbidden(flag: boolean): void;
  /**
   * Requests (challenge probes included) to stall instead of answering (stall.ts): read and
   * never answered, headers only, or trickled. Logged with status 0.
   */
  readonly stalls: StallSwitches;
  /** Authenticated `GET /secrets/...` answered 200, in total or for one secret name. */
  reads(name?: string): number;
  /** Every request, including the unauthenticated challenge probes. */
  requests(): VaultRequest[];
  stop(): Promise<void>;
}

/** The audience of Key Vault tokens, as the challenge names it. */
export const KEY_VAULT_RESOURCE = 'https://vault.azure.net';
/** What Azure names secrets (and certificates) by. */
const NAME_PATTERN = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION_PATTERN = /^[0-9a-f]{32}$/;
const SERVICE_VERSION = '1.9.2613.1';
const PEM_CONTENT_TYPE = 'application/x-pem-file';
const PKCS12_CONTENT_TYPE = 'application/x-pkcs12';

interface StoredVersion {
  version: string;
  value: string;
  contentType: string | undefined;
  enabled: boolean;
  created: number;
  updated: number;
  expiresOn: number | undefined;
  notBefore: number | undefined;
  managed: boolean;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

function unixSeconds(date: Date | number): number {
  return Math.floor((typeof date === 'number' ? date : date.getTime()) / 1000);
}

function kvError(status: number, code: string, message: string, innerCode?: string): Reply {
  return {
    status,
    body: {
      error: {
        code,
        message,
        ...(innerCode === undefined ? {} : { innererror: { code: innerCode } }),
      },
    },
  };
}

export async function startKeyVault(opts: KeyVaultOptions): Promise<KeyVault> {
  const { idp } = opts;
  const secrets = new Map<string, StoredVersion[]>();
  const log: VaultRequest[] = [];
  const readCounts = new Map<string, number>();
  let forbidden = false;
  const stalls = new Stalls();

  const verify = createAccessTokenVerifier({
    issuer: idp.issuer,
    jwksUri: idp.jwksUri,
    audience: KEY_VAULT_RESOURCE,
    caCertPem: opts.ca.caCertPem,
  });

  const { key, cert } = opts.ca.issueServerCert();
  const server = createServer({ key, cert });
  const port = await listenOnLoopback(server, opts.port);
  const vaultUrl = `https://127.0.0.1:${port}`;

  // Exactly what Azure sends; @azure/keyvault-common splits on `,? +` and reads key="value"
  // pairs, then takes the tenant from the authorization URL's path.
  const challenge = `Bearer authorization="${idp.authority}", resource="${KEY_VAULT_RESOURCE}"`;
  const unauthorized = (message: string): Reply => ({
    ...kvError(401, 'Unauthorized', message),
    headers: { 'www-authenticate': challenge },
  });

  async function authenticate(req: IncomingMessage): Promise<Reply | undefined> {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return unauthorized('AKV10000: Request is missing a Bearer or PoP token.');
    try {
      await verify(match[1]);
      return undefined;
    } catch (error) {
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        return unauthorized(`AKV10022: Invalid audience. Expected ${KEY_VAULT_RESOURCE}.`);
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') {
        return unauthorized('AKV10032: Invalid issuer.');
      }
      return unauthorized(
        `AKV10013: Invalid token: ${error instanceof Error ? error.message : 'rejected'}.`,
      );
    }
  }

  function secretBundle(
    name: string,
    stored: StoredVersion,
    outContentType: string | null,
  ): unknown {
    let { value, contentType } = stored;
    if (
      stored.managed &&
      outContentType === PEM_CONTENT_TYPE &&
      stored.contentType === PKCS12_CONTENT_TYPE
    ) {
      value = pkcs12ToPemBundle(value);
      contentType = PEM_CONTENT_TYPE;
    }
    return {
      value,
      ...(contentType === undefined ? {} : { contentType }),
      id: `${vaultUrl}/secrets/${name}/${stored.version}`,
      ...(stored.managed
        ? { managed: true, kid: `${vaultUrl}/keys/${name}/${stored.version}` }
        : {}),
      attributes: {
        enabled: stored.enabled,
        ...(stored.notBefore === undefined ? {} : { nbf: stored.notBefore }),
        ...(stored.expiresOn === undefined ? {} : { exp: stored.expiresOn }),
        created: stored.created,
        updated: stored.updated,
        recoverableDays: 90,
        recoveryLevel: 'Recoverable+Purgeable',
      },
      tags: {},
    };
  }

  function getSecret(name: string, version: string | undefined, url: URL): Reply {
    const versions = secrets.get(name);
    const label = version === undefined ? name : `${name}/${version}`;
    const stored =
      version === undefined ? versions?.at(-1) : versions?.find((v) => v.version === version);
    if (!stored) {
      return kvError(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${label} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );
    }
    if (!stored.enabled) {
      return kvError(
        403,
        'Forbidden',
        'Operation get is not allowed on a disabled secret.',
        'SecretDisabled',
      );
    }
    readCounts.set(name, (readCounts.get(name) ?? 0) + 1);
    return {
      status: 200,
      body: secretBundle(name, stored, url.searchParams.get('outContentType')),
    };
  }

  async function handle(req: IncomingMessage): Promise<{ reply: Reply; authenticated: boolean }> {
    const authError = await authenticate(req);
    if (authError) return { reply: authError, authenticated: false };
    const answer = (reply: Reply) => ({ reply, authenticated: true });
    if (forbidden) {
      return answer(
        kvError(
          403,
          'Forbidden',
          "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nAction: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'\r\nAssignment: (not found)",
          'ForbiddenByRbac',
        ),
      );
    }
    // SecretClient sends `/secrets/<name>/<version>?api%2Dversion=...`; URL decodes the name.
    const url = new URL(req.url ?? '/', vaultUrl);
    if (!url.searchParams.get('api-version')) {
      return answer(kvError(400, 'BadParameter', 'The api-version query parameter is missing.'));
    }
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const [collection, name, version, ...rest] = segments;
    if (collection !== 'secrets' || name === undefined || rest.length > 0) {
      return answer(
        kvError(404, 'NotFound', `No operation at ${url.pathname} in this local vault.`),
      );
    }
    if (req.method !== 'GET') {
      return answer(
        kvError(
          405,
          'MethodNotAllowed',
          `This local vault only reads secrets (got ${req.method}).`,
        ),
      );
    }
    if (!NAME_PATTERN.test(name) || (version !== undefined && !VERSION_PATTERN.test(version))) {
      return answer(
        kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`),
      );
    }
    return answer(getSecret(name, version, url));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now();
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const stall = stalls.take(req);
    if (stall) {
      log.push({ method: req.method ?? 'GET', path, status: 0, at, authenticated: false });
      stalls.play(req, res, stall);
      return;
    }
    const send = (reply: Reply, authenticated: boolean): void => {
      log.push({ method: req.method ?? 'GET', path, status: reply.status, at, authenticated });
      res.writeHead(reply.status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-cache',
        'x-ms-request-id': randomUUID(),
        'x-ms-keyvault-service-version': SERVICE_VERSION,
        ...reply.headers,
      });
      res.end(JSON.stringify(reply.body));
    };
    // GETs have no body; draining keeps the socket usable for whatever a client sent anyway.
    req.resume();
    handle(req).then(
      ({ reply, authenticated }) => {
        send(reply, authenticated);
      },
      (error: unknown) => {
        send(
          kvError(500, 'InternalError', error instanceof Error ? error.message : 'failure'),
          false,
        );
      },
    );
  });

  let stopped: Promise<void> | undefined;
  return {
    vaultUrl,
    port,
    setSecret(name, secret) {
      if (!NAME_PATTERN.test(name)) throw new Error(`invalid Key Vault secret name: ${name}`);
      const now = unixSeconds(Date.now());
      const version = randomBytes(16).toString('hex');
      const versions = secrets.get(name) ?? [];
      versions.push({
        version,
        value: secret.value,
        contentType: secret.contentType,
        enabled: secret.enabled ?? true,
        created: now,
        updated: now,
        expiresOn: secret.expiresOn === undefined ? undefined : unixSeconds(secret.expiresOn),
        notBefore: secret.notBefore === undefined ? undefined : unixSeconds(secret.notBefore),
        managed: secret.managed ?? false,
      });
      secrets.set(name, versions);
      return version;
    },
    setEnabled(name, version, enabled) {
      const stored = secrets.get(name)?.find((v) => v.version === version);
      if (!stored) throw new Error(`no version ${version} of secret ${name}`);
      stored.enabled = enabled;
      stored.updated = unixSeconds(Date.now());
    },
    currentVersion: (name) => secrets.get(name)?.at(-1)?.version,
    setForbidden(flag) {
      forbidden = flag;
    },
    stalls,
    reads(name) {
      if (name !== undefined) return readCounts.get(name) ?? 0;
      let total = 0;
      for (const count of readCounts.values()) total += count;
      return total;
    },
    requests: () => log.map((r) => ({ ...r })),
    stop() {
      stalls.stop();
      stopped ??= closeServer(server);
      return stopped;
    },
  };
}
