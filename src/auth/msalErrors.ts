import { AuthError as MsalAuthError, ServerError } from '@azure/msal-node';
import type { CredentialConfig } from '../config/appConfig.js';
import { AuthError } from '../errors.js';
import { TOKEN_EXCHANGE_AUDIENCE } from './managedIdentityAssertionSource.js';

type CredentialKind = CredentialConfig['kind'];

/** Where the client secret a hint talks about is set, by credential kind. */
function secretSetting(kind: CredentialKind | undefined): string {
  return kind === 'keyVaultSecret' ? 'the Key Vault secret CLIENT_SECRET_NAME' : 'CLIENT_SECRET';
}

/**
 * What to check on the app registration's federated identity credential. Entra's issuer names
 * the tenant by its ID, so a domain name in AUTHORITY is not what the issuer holds.
 */
function federatedHint(authority: string): string {
  const [, origin = '', tenant = ''] = /^(https?:\/\/[^/]+)\/([^/]*)/.exec(authority) ?? [];
  const issuer = tenant.includes('.') ? `${origin}/<tenant ID>/v2.0` : `${authority}/v2.0`;
  return `the identity provider refused the managed identity's token as the app's credential: check the federated identity credential on the app registration (CLIENT_ID): issuer ${issuer}, subject the object (principal) ID of the managed identity (the user-assigned one AZURE_CLIENT_ID names, not its client ID; else the system-assigned one), audience ${TOKEN_EXCHANGE_AUDIENCE}.`;
}

/** The federated credential's issuer, audience or subject matched no record. */
const FEDERATED_MISMATCH = new Set(['700211', '700212', '700213']);

/** Hints that depend on which credential was presented. */
function credentialHint(
  key: string,
  kind: CredentialKind | undefined,
  authority: string,
): string | undefined {
  if (kind === 'managedIdentity') {
    // Neither a secret nor a certificate: a refusal is about the federated credential.
    if (FEDERATED_MISMATCH.has(key) || key === 'invalid_client') return federatedHint(authority);
    return undefined;
  }
  switch (key) {
    case '7000215':
      return `the client secret is wrong: check ${secretSetting(kind)} (the secret value, not its ID).`;
    case '7000222':
      return `the client secret has expired: create a new one and update ${secretSetting(kind)}.`;
    case 'invalid_client':
      // Without the kind (a caller that does not know it), the generic hint below.
      if (kind === undefined) return undefined;
      return kind === 'keyVaultCertificate'
        ? 'the identity provider rejected the client credential: check CLIENT_ID and that the certificate CLIENT_CERTIFICATE_NAME is uploaded to that app registration.'
        : `the identity provider rejected the client credential: check CLIENT_ID and the secret (${secretSetting(kind)}).`;
    default:
      return undefined;
  }
}

/** Hints for the errors users hit most, keyed by AADSTS number or MSAL error code. */
const HINTS: Readonly<Record<string, string>> = {
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
  context: {
    authority: string;
    scope: string;
    /** The credential presented: a refusal's hint depends on it. */
    credential?: CredentialKind;
  },
): AuthError {
  const { errorCode, aadsts, detail } = describe(err);
  const hintOf = (key: string | undefined): string | undefined =>
    key === undefined
      ? undefined
      : (credentialHint(key, context.credential, context.authority) ?? HINTS[key]);
  const hint = hintOf(aadsts) ?? hintOf(errorCode);
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
