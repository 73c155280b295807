// Client authentication at the local token endpoint, by Entra's rules: a client may hold a
// secret, a certificate and federated identity credentials at the same time, and each request
// proves one of them. Failures carry Entra's AADSTS numbers, so the product's error mapping sees
// what it would see in Azure.
import { X509Certificate, createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';

export type ClientAuthMethod = 'secret' | 'certificate' | 'federated';

export interface FederatedCredential {
  issuer: string;
  subject: string;
  audience: string;
}

/** What the token endpoint knows about one client's credentials. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  certificate?: RegisteredCertificate;
  federatedCredentials: FederatedCredential[];
}

export interface RegisteredCertificate {
  publicKey: KeyObject;
  /** Hex, upper case, as Entra reports thumbprints. */
  thumbprintSha256: string;
  thumbprintSha1: string;
  notAfter: Date;
}

export interface ClientAuthContext {
  tenantId: string;
  /** The `aud` a certificate assertion must carry (MSAL puts the discovered token endpoint). */
  tokenEndpoint: string;
  /** This IdP's issuer: the only federated issuer whose keys it holds. */
  issuer: string;
  /** Verifies tokens this IdP signed (federated assertions minted for managed identities). */
  issuerPublicKey: KeyObject;
  findClient(clientId: string): ClientCredentials | undefined;
}

export type ClientAuthResult =
  | { ok: true; clientId: string; method: ClientAuthMethod }
  | { ok: false; status: number; body: Record<string, unknown> };

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Entra accepts both; MSAL Node signs PS256 with `x5t#S256`, RS256 with the SHA-1 `x5t`. */
const ASSERTION_ALGORITHMS = ['RS256', 'PS256'];
/** Entra's tolerance for clock differences on assertion times. */
const CLOCK_SKEW_SECONDS = 5 * 60;

export function registerCertificate(certPem: string): RegisteredCertificate {
  const cert = new X509Certificate(certPem);
  return {
    publicKey: cert.publicKey,
    thumbprintSha256: cert.fingerprint256.replace(/:/g, ''),
    thumbprintSha1: cert.fingerprint.replace(/:/g, ''),
    notAfter: new Date(cert.validTo),
  };
}

/** Which credential a token request presents, before checking it (for per-method counts). */
export function presentedMethod(
  params: URLSearchParams,
  authorization: string | undefined,
): ClientAuthMethod | undefined {
  if (params.has('client_secret') || /^basic /i.test(authorization ?? '')) return 'secret';
  const assertion = params.get('client_assertion');
  if (assertion === null) return undefined;
  try {
    const { iss, sub } = decodeJwt(assertion);
    const clientId = params.get('client_id');
    return iss !== undefined && iss === sub && (clientId === null || iss === clientId)
      ? 'certificate'
      : 'federated';
  } catch {
    return undefined;
  }
}

/** Entra's error body: the AADSTS number leads the description and is in `error_codes`. */
function entraError(
  status: number,
  error: string,
  code: number | undefined,
  message: string,
  correlationId: string,
): { ok: false; status: number; body: Record<string, unknown> } {
  const traceId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const lead = code === undefined ? message : `AADSTS${code}: ${message}`;
  return {
    ok: false,
    status,
    body: {
      error,
      error_description: `${lead}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      ...(code === undefined ? {} : { error_codes: [code] }),
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function hexFromBase64Url(value: unknown): string | undefined {
  return typeof value === 'string'
    ? Buffer.from(value, 'base64url').toString('hex').toUpperCase()
    : undefined;
}

function withinValidTime(payload: JWTPayload, now: number): boolean {
  if (typeof payload.exp !== 'number' || payload.exp + CLOCK_SKEW_SECONDS < now) return false;
  return typeof payload.nbf !== 'number' || payload.nbf - CLOCK_SKEW_SECONDS <= now;
}

/** Entra's answer to an assertion used before its nbf or after its exp. */
function outsideValidTime(fail: Fail): ClientAuthResult {
  return fail(
    401,
    'invalid_client',
    700024,
    'Client assertion is not within its valid time range.',
  );
}

async function signatureValid(jwt: string, key: KeyObject, algorithms: string[]): Promise<boolean> {
  try {
    await compactVerify(jwt, key, { algorithms });
    return true;
  } catch {
    return false;
  }
}

/**
 * Authenticates the client of one token request. `authorization` is the request's header, for
 * `client_secret_basic`.
 */
export async function authenticateClient(
  params: URLSearchParams,
  authorization: string | undefined,
  correlationId: string,
  ctx: ClientAuthContext,
): Promise<ClientAuthResult> {
  const fail = (status: number, error: string, code: number | undefined, message: string) =>
    entraError(status, error, code, message, correlationId);

  let clientId = params.get('client_id') ?? undefined;
  let secret = params.get('client_secret') ?? undefined;
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || secret !== undefined) {
      return fail(400, 'invalid_request', 50012, 'Invalid client credentials in the header.');
    }
    let headerClientId: string;
    try {
      headerClientId = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    } catch {
      return fail(400, 'invalid_request', 50012, 'Invalid client credentials in the header.');
    }
    if (clientId !== undefined && clientId !== headerClientId) {
      return fail(400, 'invalid_request', 50012, 'The client_id does not match the header.');
    }
    clientId = headerClientId;
  }
  const assertion = params.get('client_assertion') ?? undefined;

  if (secret !== undefined && assertion !== undefined) {
    return fail(
      400,
      'invalid_request',
      7000216,
      "Only one of 'client_assertion' or 'client_secret' may be presented.",
    );
  }
  if (secret === undefined && assertion === undefined) {
    return fail(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (
    assertion !== undefined &&
    params.get('client_assertion_type') !== JWT_BEARER_ASSERTION_TYPE
  ) {
    return fail(
      400,
      'invalid_request',
      7000219,
      `'client_assertion_type' must be '${JWT_BEARER_ASSERTION_TYPE}'.`,
    );
  }

  let header: ProtectedHeaderParameters | undefined;
  let payload: JWTPayload | undefined;
  if (assertion !== undefined) {
    try {
      header = decodeProtectedHeader(assertion);
      payload = decodeJwt(assertion);
    } catch {
      return fail(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
    }
    // A certificate assertion names the client itself; anything else is a federated one.
    clientId ??= payload.iss === payload.sub ? payload.iss : undefined;
  }
  if (clientId === undefined) {
    return fail(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const client = ctx.findClient(clientId);
  if (!client) {
    return fail(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.tenantId}'.`,
    );
  }

  if (secret !== undefined) {
    // Same answer as before the gate existed (oidc-provider's), without an AADSTS number: the
    // product's tests expect the generic invalid_client hint for a wrong secret.
    return sameSecret(secret, client.clientSecret)
      ? { ok: true, clientId, method: 'secret' }
      : fail(401, 'invalid_client', undefined, 'client authentication failed');
  }
  if (assertion === undefined || header === undefined || payload === undefined) {
    return fail(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
  }
  const now = Math.floor(Date.now() / 1000);
  return payload.iss === clientId
    ? checkCertificateAssertion(assertion, header, payload, client, now, ctx, fail)
    : checkFederatedAssertion(assertion, payload, client, now, ctx, fail);
}

type Fail = (
  status: number,
  error: string,
  code: number | undefined,
  message: string,
) => ClientAuthResult;

async function checkCertificateAssertion(
  assertion: string,
  header: ProtectedHeaderParameters,
  payload: JWTPayload,
  client: ClientCredentials,
  now: number,
  ctx: ClientAuthContext,
  fail: Fail,
): Promise<ClientAuthResult> {
  if (payload.sub !== client.clientId) {
    return fail(
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    );
  }
  if (typeof header.alg !== 'string' || !ASSERTION_ALGORITHMS.includes(header.alg)) {
    return fail(
      401,
      'invalid_client',
      5002738,
      `Invalid JWT token. '${String(header.alg)}' is not a supported signature algorithm.`,
    );
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(ctx.tokenEndpoint)) {
    return fail(
      401,
      'invalid_client',
      700023,
      'Client assertion audience claim does not match Realm issuer.',
    );
  }
  const sha256 = hexFromBase64Url(header['x5t#S256']);
  const sha1 = hexFromBase64Url(header.x5t);
  const presented = sha256 ?? sha1 ?? '(none)';
  const registered = client.certificate;
  const matches =
    registered !== undefined &&
    (sha256 !== undefined
      ? sha256 === registered.thumbprintSha256
      : sha1 === registered.thumbprintSha1);
  if (!registered || !matches) {
    return fail(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${presented}']`,
    );
  }
  if (registered.notAfter.getTime() < Date.now()) {
    return fail(
      401,
      'invalid_client',
      700027,
      `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${presented}']`,
    );
  }
  if (!(await signatureValid(assertion, registered.publicKey, ASSERTION_ALGORITHMS))) {
    return fail(
      401,
      'invalid_client',
      700027,
      `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${presented}']`,
    );
  }
  if (!withinValidTime(payload, now)) return outsideValidTime(fail);
  // Entra does not reject a reused assertion (jti): MSAL reuses one for up to 10 minutes.
  return { ok: true, clientId: client.clientId, method: 'certificate' };
}

/**
 * A federated identity credential, checked the way Entra does: a record with the assertion's
 * issuer, then its subject, then its audience; then the issuer's signature and the times. Only
 * this IdP's own issuer can be trusted (it holds no other issuer's keys), which covers the
 * managed-identity-as-federated-credential case.
 */
async function checkFederatedAssertion(
  assertion: string,
  payload: JWTPayload,
  client: ClientCredentials,
  now: number,
  ctx: ClientAuthContext,
  fail: Fail,
): Promise<ClientAuthResult> {
  const byIssuer = client.federatedCredentials.filter((f) => f.issuer === payload.iss);
  if (byIssuer.length === 0) {
    return fail(
      401,
      'invalid_client',
      700211,
      `No matching federated identity record found for presented assertion issuer '${String(payload.iss)}'.`,
    );
  }
  const bySubject = byIssuer.filter((f) => f.subject === payload.sub);
  if (bySubject.length === 0) {
    return fail(
      401,
      'invalid_client',
      700213,
      `No matching federated identity record found for presented assertion subject '${String(payload.sub)}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!bySubject.some((f) => audiences.includes(f.audience))) {
    return fail(
      401,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(', ')}'.`,
    );
  }
  if (
    payload.iss !== ctx.issuer ||
    !(await signatureValid(assertion, ctx.issuerPublicKey, ['RS256']))
  ) {
    return fail(401, 'invalid_client', 50013, 'Assertion failed signature validation.');
  }
  if (!withinValidTime(payload, now)) return outsideValidTime(fail);
  return { ok: true, clientId: client.clientId, method: 'federated' };
}
