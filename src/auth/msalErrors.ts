import { AuthError as MsalAuthError, ServerError } from '@azure/msal-node';
import { AuthError } from '../errors.js';

/** Hints for the errors users hit most, keyed by AADSTS number or MSAL error code. */
const HINTS: Readonly<Record<string, string>> = {
  '7000215': 'the client secret is wrong: check CLIENT_SECRET (the secret value, not its ID).',
  '7000222': 'the client secret has expired: create a new one and update CLIENT_SECRET.',
  '700016':
    'no app with this CLIENT_ID exists in the tenant: check CLIENT_ID and the tenant in AUTHORITY.',
  '90002': 'the tenant in AUTHORITY was not found: check AUTHORITY.',
  '500011':
    "the API named by SCOPES was not found in the tenant: check SCOPES (the API's application ID URI).",
  '1002012': "SCOPES is not a valid scope: use the API's application ID URI.",
  '7000112': 'the app registration is disabled.',
  '700027':
    "the client certificate was not accepted: check it is uploaded to the app's registration.",
  invalid_client:
    'the identity provider rejected the client credential: check CLIENT_ID and the secret or certificate.',
  unauthorized_client: 'the app is not allowed to use client credentials at this authority.',
  invalid_scope: "SCOPES was rejected: use the API's application ID URI.",
  endpoints_resolution_error:
    'MSAL could not read <AUTHORITY>/v2.0/.well-known/openid-configuration: check AUTHORITY, that the host is reachable, and for a local provider that its CA is trusted through NODE_EXTRA_CA_CERTS.',
  network_error:
    'the identity provider could not be reached: check AUTHORITY and the network (and TLS trust for a local provider).',
};

/** Error codes and AADSTS numbers that mean the credential itself was refused. */
const CREDENTIAL_REJECTED = new Set(['invalid_client', '7000215', '7000222', '700027', '7000274']);

function describe(err: unknown): { errorCode?: string; aadsts?: string; detail: string } {
  if (err instanceof MsalAuthError) {
    const aadsts =
      err instanceof ServerError && err.errorNo
        ? err.errorNo
        : /AADSTS(\d+)/.exec(err.errorMessage)?.[1];
    // The first line of MSAL's message holds the server's description; later lines are traces.
    const detail = err.errorMessage.split(/\r?\n/)[0]?.trim() ?? '';
    return { errorCode: err.errorCode, aadsts, detail };
  }
  return { detail: err instanceof Error ? err.message : 'unknown error' };
}

/** Converts anything MSAL throws into our AuthError, with a hint a person can act on. */
export function toAuthError(
  err: unknown,
  context: { authority: string; scope: string },
): AuthError {
  const { errorCode, aadsts, detail } = describe(err);
  const hint = (aadsts && HINTS[aadsts]) ?? (errorCode && HINTS[errorCode]);
  const code = [errorCode, aadsts && `AADSTS${aadsts}`].filter(Boolean).join(', ');
  const message =
    `Could not get a token for ${context.scope} from ${context.authority}` +
    (code ? ` (${code})` : '') +
    (hint ? `: ${hint}` : '') +
    (detail ? ` Identity provider said: ${detail}` : '');
  return new AuthError(message, { errorCode, aadsts, cause: err });
}

/** True when the identity provider refused the credential (so fresh material may help). */
export function isCredentialRejected(err: AuthError): boolean {
  return (
    (err.errorCode !== undefined && CREDENTIAL_REJECTED.has(err.errorCode)) ||
    (err.aadsts !== undefined && CREDENTIAL_REJECTED.has(err.aadsts))
  );
}
