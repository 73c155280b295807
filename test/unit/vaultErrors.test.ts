import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
} from '@azure/identity';
// The Azure SDKs' one RestError class (@azure/core-rest-pipeline), which
// @azure/keyvault-secrets throws and @azure/storage-blob re-exports.
import { RestError } from '@azure/storage-blob';
import { VaultError } from '../../src/errors.js';
import { toVaultError } from '../../src/vault/keyVaultSecretVault.js';

const VAULT = 'https://contoso-kv.vault.azure.net';
const ITEM = 'todo-sync-daemon';
const WHERE = `secret "todo-sync-daemon" in Key Vault https://contoso-kv\\.vault\\.azure\\.net`;

/** A RestError as the Key Vault SDK throws it: the service's error body parsed into `details`. */
function restError(statusCode: number, code: string, innerCode?: string): RestError {
  const error = new RestError(`${code}: https://contoso-kv.vault.azure.net/secrets/${ITEM}`, {
    code,
    statusCode,
  });
  error.details = {
    error: {
      code,
      message: 'service words',
      ...(innerCode ? { innerError: { code: innerCode } } : {}),
    },
  };
  return error;
}

const cases: [string, unknown, RegExp, number | undefined][] = [
  [
    'no Azure credential at all',
    new CredentialUnavailableError('ManagedIdentityCredential: no endpoint'),
    new RegExp(
      `^No Azure credential could get a token to read ${WHERE}: in Azure, give the function app a managed identity \\(set AZURE_CLIENT_ID for a user-assigned one\\); locally, sign in with the Azure CLI or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET\\.$`,
    ),
    undefined,
  ],
  [
    'a credential refused by the identity provider',
    new AuthenticationError(400, { error: 'invalid_client', error_description: 'bad' }),
    /^No Azure credential could get a token to read /,
    // The identity provider's status: the vault was never asked.
    400,
  ],
  [
    'every credential of DefaultAzureCredential unavailable',
    new AggregateAuthenticationError([new CredentialUnavailableError('x')], 'chain failed'),
    /^No Azure credential could get a token to read /,
    undefined,
  ],
  [
    'a disabled secret version',
    restError(403, 'Forbidden', 'SecretDisabled'),
    new RegExp(`^The ${WHERE} is disabled: enable it, or pin an enabled version\\.$`),
    403,
  ],
  [
    'no role on the vault (RBAC)',
    restError(403, 'Forbidden', 'ForbiddenByRbac'),
    new RegExp(
      `^Key Vault refused to read the ${WHERE} \\(403 Forbidden\\): the identity needs the "Key Vault Secrets User" role on the vault \\(and the vault's network rules must allow the app\\)\\.$`,
    ),
    403,
  ],
  [
    'a missing secret',
    restError(404, 'SecretNotFound'),
    new RegExp(
      `^The ${WHERE} was not found \\(404\\): check the name and version settings, and that the certificate or secret exists in that vault\\.$`,
    ),
    404,
  ],
  [
    'a token the vault rejects',
    restError(401, 'Unauthorized'),
    new RegExp(`^Key Vault rejected the credential used to read the ${WHERE} \\(401\\)\\.$`),
    401,
  ],
  [
    'another status names it with its code',
    restError(429, 'Throttled'),
    new RegExp(`^Key Vault failed to read the ${WHERE} with 429 Throttled\\.$`),
    429,
  ],
  [
    'no answer at all',
    new RestError('connect ECONNREFUSED 127.0.0.1:443', { code: 'ECONNREFUSED' }),
    new RegExp(
      `^Could not reach Key Vault to read the ${WHERE} \\(ECONNREFUSED\\): check KEY_VAULT_URL and the network\\.$`,
    ),
    undefined,
  ],
  [
    'anything else thrown',
    new Error('boom'),
    new RegExp(
      `^Could not reach Key Vault to read the ${WHERE}: check KEY_VAULT_URL and the network\\.$`,
    ),
    undefined,
  ],
];

describe('toVaultError (Key Vault errors)', () => {
  for (const [name, err, message, status] of cases) {
    it(name, () => {
      const error = toVaultError(err, VAULT, ITEM);
      assert.ok(error instanceof VaultError);
      assert.match(error.message, message);
      assert.equal(error.status, status);
      assert.equal(error.vaultUrl, VAULT);
      assert.equal(error.item, ITEM);
      // The SDK's own words (its request URL, the service's text) are not passed on.
      assert.equal(error.cause, undefined);
      assert.doesNotMatch(error.message, /service words|ManagedIdentityCredential/);
    });
  }

  it('passes a VaultError through unchanged', () => {
    const original = new VaultError('already converted', { vaultUrl: VAULT, item: ITEM });
    assert.equal(toVaultError(original, VAULT, ITEM), original);
  });
});
