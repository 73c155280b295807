import { VaultError } from '../errors.js';
import type { VaultSecret } from '../vault/secretVault.js';
import { CERTIFICATE_CONTENT_TYPES } from './certificateContentTypes.js';
import type { CredentialSource, MsalCredential } from './credentialSource.js';
import { warnIfExpiringSoon } from './expiryWarning.js';
import type { VaultSourceOptions } from './vaultSourceOptions.js';

/**
 * A client secret read from Key Vault once per process and cached; read again only when the
 * identity provider rejected it (rotation), so a rotated secret costs one extra vault read.
 */
export function keyVaultSecretSource(options: VaultSourceOptions): CredentialSource {
  const { vault, name, version, logger, clock } = options;
  let current: string | undefined;

  const read = async (): Promise<string> => {
    const secret: VaultSecret = await vault.getSecret(name, version);
    if (secret.contentType && CERTIFICATE_CONTENT_TYPES.has(secret.contentType.toLowerCase())) {
      throw new VaultError(
        `The secret "${name}" in Key Vault ${vault.vaultUrl} is a certificate (${secret.contentType}): set CLIENT_CERTIFICATE_NAME=${name} instead of CLIENT_SECRET_NAME.`,
        { vaultUrl: vault.vaultUrl, item: name },
      );
    }
    warnIfExpiringSoon(logger, clock, {
      key: `${vault.vaultUrl}/secrets/${name}/${secret.version ?? ''}`,
      what: `The client secret "${name}" in Key Vault ${vault.vaultUrl}`,
      expiresOn: secret.expiresOn,
    });
    return secret.value;
  };

  return {
    kind: 'keyVaultSecret',
    description: `client secret "${name}" from Key Vault ${vault.vaultUrl}`,
    async load(): Promise<MsalCredential> {
      current ??= await read();
      return { clientSecret: current };
    },
    async reload(): Promise<boolean> {
      const previous = current;
      current = await read();
      return current !== previous;
    },
  };
}
