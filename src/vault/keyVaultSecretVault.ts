import type { TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { isLoopbackHost } from '../config/loopback.js';
import { callWithin } from '../core/boundedSignal.js';
import type { CallOptions } from '../core/callOptions.js';
import { VaultError } from '../errors.js';
import type { Redactor } from '../logging/redact.js';
import type { SecretVault, VaultSecret } from './secretVault.js';

export interface KeyVaultSecretVaultOptions {
  readonly vaultUrl: string;
  /** Gets the vault's tokens (the managed identity in Azure). */
  readonly credential: TokenCredential;
  /** Learns every value read, so that it is scrubbed wherever it might appear. */
  readonly redactor: Redactor;
  /** The longest one read may take, its token and the SDK's retries included. */
  readonly callTimeoutMs: number;
}

/** Reads from Key Vault with @azure/keyvault-secrets; converts its errors into VaultError. */
export function createKeyVaultSecretVault(options: KeyVaultSecretVaultOptions): SecretVault {
  const { vaultUrl, credential, redactor, callTimeoutMs } = options;
  const client = new SecretClient(vaultUrl, credential, {
    // The SDK checks that the challenge's resource matches *.vault.azure.net. A loopback vault
    // (the local stack) cannot have such a name; every real vault keeps the check.
    disableChallengeResourceVerification: isLoopbackHost(new URL(vaultUrl).hostname),
    retryOptions: { maxRetries: 2, retryDelayInMs: 500, maxRetryDelayInMs: 4_000 },
  });
  return {
    vaultUrl,
    async getSecret(name: string, version?: string, call: CallOptions = {}): Promise<VaultSecret> {
      try {
        // Raced against the bound, not just given it: the vault's token comes from
        // ManagedIdentityCredential, which hands MSAL no signal, so a managed-identity endpoint
        // that never answers would hold the read (and the run) for ever. The SDK by itself waits
        // for ever on a vault that accepts and never answers.
        const secret = await callWithin(
          call.signal,
          callTimeoutMs,
          () =>
            new VaultError(
              `Key Vault ${vaultUrl} did not answer the read of secret "${name}" within ${(callTimeoutMs / 1000).toString()} s (CALL_TIMEOUT_SECONDS), its token included: check that the vault and the managed-identity endpoint are reachable.`,
              { vaultUrl, item: name },
            ),
          (abortSignal) => client.getSecret(name, { ...(version ? { version } : {}), abortSignal }),
        );
        if (secret.value === undefined) {
          throw new VaultError(`Key Vault ${vaultUrl} returned secret "${name}" without a value.`, {
            vaultUrl,
            item: name,
          });
        }
        // Whatever the vault holds is a secret: scrub it from every log line from now on.
        redactor.add(secret.value);
        return {
          value: secret.value,
          contentType: secret.properties.contentType,
          version: secret.properties.version,
          expiresOn: secret.properties.expiresOn,
        };
      } catch (err) {
        // Our own timeout is a VaultError already, and passes through as it is.
        throw toVaultError(err, vaultUrl, name);
      }
    },
  };
}

interface RestLikeError {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
  // The SDK camelCases the service's `innererror` into `innerError`.
  details?: { error?: { innerError?: { code?: string } } };
}

/** Names the vault, the item and, for 403, the role; never a value or a token. */
export function toVaultError(err: unknown, vaultUrl: string, item: string): VaultError {
  if (err instanceof VaultError) return err;
  const e = (err ?? {}) as RestLikeError;
  const where = `secret "${item}" in Key Vault ${vaultUrl}`;
  const details = { vaultUrl, item, status: e.statusCode };
  const inner = e.details?.error?.innerError?.code ?? '';
  if (
    e.name === 'CredentialUnavailableError' ||
    e.name === 'AuthenticationError' ||
    e.name === 'AggregateAuthenticationError'
  ) {
    return new VaultError(
      `No Azure credential could get a token to read ${where}: in Azure, give the function app a managed identity (set AZURE_CLIENT_ID for a user-assigned one); locally, sign in with the Azure CLI or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET.`,
      details,
    );
  }
  if (e.statusCode === 403 && inner === 'SecretDisabled') {
    return new VaultError(
      `The ${where} is disabled: enable it, or pin an enabled version.`,
      details,
    );
  }
  if (e.statusCode === 403) {
    return new VaultError(
      `Key Vault refused to read the ${where} (403 Forbidden): the identity needs the "Key Vault Secrets User" role on the vault (and the vault's network rules must allow the app).`,
      details,
    );
  }
  if (e.statusCode === 404) {
    return new VaultError(
      `The ${where} was not found (404): check the name and version settings, and that the certificate or secret exists in that vault.`,
      details,
    );
  }
  if (e.statusCode === 401) {
    return new VaultError(
      `Key Vault rejected the credential used to read the ${where} (401).`,
      details,
    );
  }
  if (e.statusCode !== undefined) {
    return new VaultError(
      `Key Vault failed to read the ${where} with ${e.statusCode}${e.code ? ` ${e.code}` : ''}.`,
      details,
    );
  }
  return new VaultError(
    `Could not reach Key Vault to read the ${where}${e.code ? ` (${e.code})` : ''}: check KEY_VAULT_URL and the network.`,
    details,
  );
}
