import type { AppConfig } from '../config/appConfig.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../sync/clock.js';
import type { CredentialSource } from './credentialSource.js';
import { environmentSecretSource } from './environmentSecretSource.js';

/**
 * The credential source the config names. The vault and identity SDKs are imported only in
 * the modes that use them, on first use, to keep cold start lean.
 */
export function createCredentialSource(
  config: AppConfig,
  logger: Logger,
  clock: Clock,
): CredentialSource {
  const { credential, azureClientId } = config;
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
          const vault = createKeyVaultSecretVault(
            vaultUrl,
            new DefaultAzureCredential(
              azureClientId ? { managedIdentityClientId: azureClientId } : {},
            ),
          );
          const options = { vault, name, version, logger, clock };
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
    load: async () => (await get()).load(),
    reload: async () => (await get()).reload(),
  };
}
