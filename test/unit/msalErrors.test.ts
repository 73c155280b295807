import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthError as MsalAuthError, ClientAuthError, ServerError } from '@azure/msal-node';
import { isCredentialRejected, toAuthError } from '../../src/auth/msalErrors.js';
import { AuthError } from '../../src/errors.js';

const AUTHORITY = 'https://login.microsoftonline.com/contoso.onmicrosoft.com';
const SCOPE = 'api://todo-api/.default';
const WHERE = `Could not get a token for api://todo-api/\\.default from https://login\\.microsoftonline\\.com/contoso\\.onmicrosoft\\.com`;

/** What MSAL Node throws when the token endpoint answers with an OAuth error. */
function serverError(code: string, description: string, errorNo?: string): ServerError {
  return new ServerError(code, 'correlation-id', description, undefined, errorNo, 400);
}

const ENTRA_TAIL = '\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-01-01 00:00:00Z';

interface Case {
  name: string;
  err: unknown;
  message: RegExp;
  errorCode?: string;
  aadsts?: string;
  credentialRejected: boolean;
}

const cases: Case[] = [
  {
    name: 'a wrong secret (AADSTS7000215): CLIENT_SECRET, the value not the ID',
    err: serverError(
      'invalid_client',
      `AADSTS7000215: Invalid client secret provided.${ENTRA_TAIL}`,
      '7000215',
    ),
    message: new RegExp(
      `^${WHERE} \\(invalid_client, AADSTS7000215\\): the client secret is wrong: check CLIENT_SECRET \\(the secret value, not its ID\\)\\. Identity provider said: AADSTS7000215: Invalid client secret provided\\.$`,
    ),
    errorCode: 'invalid_client',
    aadsts: '7000215',
    credentialRejected: true,
  },
  {
    name: 'the AADSTS number read from the message when MSAL has no errorNo',
    err: serverError(
      'invalid_client',
      `AADSTS7000222: The provided client secret keys are expired.`,
    ),
    message:
      /\(invalid_client, AADSTS7000222\): the client secret has expired: create a new one and update CLIENT_SECRET\./,
    errorCode: 'invalid_client',
    aadsts: '7000222',
    credentialRejected: true,
  },
  {
    name: 'an unknown app (AADSTS700016): CLIENT_ID and the tenant',
    err: serverError('unauthorized_client', 'AADSTS700016: Application not found.', '700016'),
    message:
      /\(unauthorized_client, AADSTS700016\): no app with this CLIENT_ID exists in the tenant: check CLIENT_ID and the tenant in AUTHORITY\./,
    errorCode: 'unauthorized_client',
    aadsts: '700016',
    credentialRejected: false,
  },
  {
    name: 'an unknown tenant (AADSTS90002): AUTHORITY',
    err: serverError('invalid_request', 'AADSTS90002: Tenant not found.', '90002'),
    message:
      /\(invalid_request, AADSTS90002\): the tenant in AUTHORITY was not found: check AUTHORITY\./,
    aadsts: '90002',
    errorCode: 'invalid_request',
    credentialRejected: false,
  },
  {
    name: 'an unknown resource (AADSTS500011): SCOPES',
    err: serverError(
      'invalid_resource',
      'AADSTS500011: The resource principal was not found.',
      '500011',
    ),
    message: /AADSTS500011\): the API named by SCOPES was not found in the tenant: check SCOPES/,
    errorCode: 'invalid_resource',
    aadsts: '500011',
    credentialRejected: false,
  },
  {
    name: 'a certificate the app does not know (AADSTS700027)',
    err: serverError('invalid_client', 'AADSTS700027: Client assertion failed.', '700027'),
    message: /AADSTS700027\): the client certificate was not accepted: check it is uploaded/,
    errorCode: 'invalid_client',
    aadsts: '700027',
    credentialRejected: true,
  },
  {
    name: 'a federated assertion refused (AADSTS7000274): credential rejected, no specific hint',
    err: serverError('invalid_client', 'AADSTS7000274: assertion refused.', '7000274'),
    message:
      /\(invalid_client, AADSTS7000274\): the identity provider rejected the client credential: check CLIENT_ID and the secret or certificate\./,
    errorCode: 'invalid_client',
    aadsts: '7000274',
    credentialRejected: true,
  },
  {
    name: 'invalid_client without a number (another OIDC provider)',
    err: serverError('invalid_client', 'client authentication failed'),
    message: new RegExp(
      `^${WHERE} \\(invalid_client\\): the identity provider rejected the client credential: check CLIENT_ID and the secret or certificate\\. Identity provider said: client authentication failed$`,
    ),
    errorCode: 'invalid_client',
    credentialRejected: true,
  },
  {
    name: 'invalid_scope: SCOPES',
    err: serverError('invalid_scope', 'scope is not valid'),
    message: /\(invalid_scope\): SCOPES was rejected: use the API's application ID URI\./,
    errorCode: 'invalid_scope',
    credentialRejected: false,
  },
  {
    name: 'discovery failed (endpoints_resolution_error): AUTHORITY and TLS trust',
    err: new ClientAuthError('endpoints_resolution_error', 'correlation-id'),
    message:
      /\(endpoints_resolution_error\): MSAL could not read <AUTHORITY>\/v2\.0\/\.well-known\/openid-configuration: check AUTHORITY.*NODE_EXTRA_CA_CERTS\./,
    errorCode: 'endpoints_resolution_error',
    credentialRejected: false,
  },
  {
    name: 'the network (network_error)',
    err: new MsalAuthError('network_error', 'correlation-id', 'Network request failed'),
    message:
      /\(network_error\): the identity provider could not be reached: check AUTHORITY and the network/,
    errorCode: 'network_error',
    credentialRejected: false,
  },
  {
    name: 'an MSAL code without a hint keeps the code and the server words',
    err: serverError('temporarily_unavailable', 'try later'),
    message: new RegExp(
      `^${WHERE} \\(temporarily_unavailable\\) Identity provider said: try later$`,
    ),
    errorCode: 'temporarily_unavailable',
    credentialRejected: false,
  },
  {
    name: 'anything else thrown',
    err: new Error('socket hang up'),
    message: new RegExp(`^${WHERE} Identity provider said: socket hang up$`),
    credentialRejected: false,
  },
  {
    name: 'a non-Error thrown',
    err: 'string',
    message: new RegExp(`^${WHERE} Identity provider said: unknown error$`),
    credentialRejected: false,
  },
];

describe('toAuthError (MSAL errors)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const error = toAuthError(c.err, { authority: AUTHORITY, scope: SCOPE });
      assert.ok(error instanceof AuthError);
      assert.match(error.message, c.message);
      assert.equal(error.errorCode, c.errorCode);
      assert.equal(error.aadsts, c.aadsts);
      assert.equal(isCredentialRejected(error), c.credentialRejected);
      // Entra's trace lines stay out of the message.
      assert.doesNotMatch(error.message, /Trace ID|Correlation ID|\r|\n/);
    });
  }
});
