import type { AppConfig } from '../config/appConfig.js';
import type { Logger } from '../logging/logger.js';
import type { Redactor } from '../logging/redact.js';
import type { CredentialSource } from './credentialSource.js';
import { environmentSecretSource } from './environmentSecretSource.js';
import type { ExpiryWarnings } from './expiryWarning.js';

/** What the credential sources share with the runtime that owns them. */
export interface CredentialSourceContext {
  readonly logger: Logger;
  /** Learns the values the vault hands out. */
  readonly redactor: Redactor;
  /** Warn-once state for expiring credentials, kept for the runtime's life. */
  readonly expiryWarnings: ExpiryWarnings;
}

/**
 * The credential source the config names. The vault and identity SDKs are imported only in
 * the modes that use them, on first use, to keep cold start lean.
 */
export function createCredentialSource(
  config: AppConfig,
  context: CredentialSourceContext,
): CredentialSource {
  const { credential, azureClientId, limits } = config;
  const { logger, redactor, expiryWarnings } = context;
  switch (credential.kind) {
    case 'clientSecret':
      if (config.runningInAzure) {
        logger.warn(
          'CLIENT_SECRET is used in Azure: keep secrets out of app settings; use KEY_VAULT_URL with CLIENT_CERTIFICATE_NAME, or CLIENT_CREDENTIAL=managedIdentity',
        );
      }
      return environmentSecretSource(credential.clientSecret);
    case 'keyVaultSecret':
    case 'keyVaultCertificate': {
      const { vaultUrl, name, version } = credential;
      const certificate = credential.kind === 'keyVaultCertificate';
      return deferred(
        credential.kind,
        `${certificate ? 'certificate' : 'client secret'} "${name}" from Key Vault ${vaultUrl}`,
        async () => {
          const [{ DefaultAzureCredential }, { createKeyVaultSecretVault }, sources] =
            await Promise.all([
              import('@azure/identity'),
              import('../vault/keyVaultSecretVault.js'),
              certificate
                ? import('./keyVaultCertificateSource.js')
                : import('./keyVaultSecretSource.js'),
            ]);
          const vault = createKeyVaultSecretVault({
            vaultUrl,
            credential: new DefaultAzureCredential(
              azureClientId ? { managedIdentityClientId: azureClientId } : {},
            ),
            redactor,
            callTimeoutMs: limits.callTimeoutMs,
          });
          const options = { vault, name, version, logger, expiryWarnings };
          return 'keyVaultCertificateSource' in sources
            ? sources.keyVaultCertificateSource(options)
            : sources.keyVaultSecretSource(options);
        },
      );
    }
    case 'managedIdentity':
      return deferred(
        'managedIdentity',
        `managed identity ${azureClientId ?? '(system-assigned)'} as a federated credential`,
        async () => {
          const [{ ManagedIdentityCredential }, { managedIdentityAssertionSource }] =
            await Promise.all([
              import('@azure/identity'),
              import('./managedIdentityAssertionSource.js'),
            ]);
          return managedIdentityAssertionSource(
            new ManagedIdentityCredential(azureClientId ? { clientId: azureClientId } : {}),
            azureClientId,
            limits.callTimeoutMs,
          );
        },
      );
  }
}

/** A source built on first use; a failed build is retried on the next use. */
function deferred(
  kind: CredentialSource['kind'],
  description: string,
  build: () => Promise<CredentialSource>,
): CredentialSource {
  let source: Promise<CredentialSource> | undefined;
  const get = (): Promise<CredentialSource> => {
    source ??= build().catch((err: unknown) => {
      source = undefined;
      throw err;
    });
    return source;
  };
  return {
    kind,
    description,
    load: async (options) => (await get()).load(options),
    reload: async (options) => (await get()).reload(options),
  };
}
