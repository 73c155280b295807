/** Whether an access token carries each permission claim; never the claims' values. */
export interface PermissionClaims {
  /** App roles (application permissions), Entra's `roles`. */
  readonly roles: boolean;
  /** Delegated scopes, Entra's `scp`. */
  readonly scp: boolean;
}

/** As a .NET resource server reads a JWT: a claim exists unless it is absent, null or empty. */
function isPresent(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== '';
}

/**
 * Reads which permission claims a JWT access token carries, to explain why the API refused it.
 * Decodes the payload only, without verifying anything: the token is one we obtained ourselves
 * and the API has already judged it. A token that is not a three-part JWT with a JSON object
 * payload (an encrypted or opaque token) gives undefined.
 *
 * @example readPermissionClaims(accessToken) // { roles: false, scp: false }: no permission granted
 */
export function readPermissionClaims(accessToken: string): PermissionClaims | undefined {
  const parts = accessToken.split('.');
  const payload = parts[1];
  if (parts.length !== 3 || !payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  const { roles, scp } = claims as Record<string, unknown>;
  return { roles: isPresent(roles), scp: isPresent(scp) };
}
