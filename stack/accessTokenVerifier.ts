// Bearer token validation for the local ToDo API, as a real resource server does it: signature
// against the issuer's JWKS, then issuer, audience and algorithm.
import { request } from 'node:https';
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose';
import type { FetchImplementation, JWTPayload } from 'jose';

export interface AccessTokenVerifierOptions {
  issuer: string;
  jwksUri: string;
  /** The audience, or each audience accepted. */
  audience: string | string[];
  /** PEM of the CA that signed the identity provider's certificate. */
  caCertPem: string;
}

export type VerifyAccessToken = (token: string) => Promise<JWTPayload>;

/**
 * A fetch for jose that trusts exactly the local CA. The API runs inside the test process, whose
 * own trust store may not include that CA; the local stack may pass it explicitly (product code
 * never takes a CA option).
 */
function fetchTrustingCa(caCertPem: string): FetchImplementation {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: options.method,
          ca: caCertPem,
          headers: Object.fromEntries(options.headers.entries()),
          signal: options.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 502,
                headers: { 'content-type': res.headers['content-type'] ?? 'application/json' },
              }),
            );
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
}

export function createAccessTokenVerifier(opts: AccessTokenVerifierOptions): VerifyAccessToken {
  // jose caches the key set and refetches (with a cooldown) when a token names an unknown kid.
  const jwks = createRemoteJWKSet(new URL(opts.jwksUri), {
    [customFetch]: fetchTrustingCa(opts.caCertPem),
  });
  return async (token) => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: opts.issuer,
      audience: opts.audience,
      algorithms: ['RS256'],
    });
    return payload;
  };
}
