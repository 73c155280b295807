import type { CallOptions } from '../core/callOptions.js';
import { VaultError } from '../errors.js';
import type { VaultSecret } from '../vault/secretVault.js';
import { CERTIFICATE_CONTENT_TYPES } from './certificateContentTypes.js';
import type { CredentialSource, MsalCredential } from './credentialSource.js';
import type { VaultSourceOptions } from './vaultSourceOptions.js';

/**
 * A client secret read from Key Vault once per process and cached; read again only when the
 * identity provider rejected it (rotation), so a rotated secret costs one extra vault read.
 */
export function keyVaultSecretSource(options: VaultSourceOptions): CredentialSource {
  const { vault, name, version, expiryWarnings } = options;
  let current: string | undefined;

  const read = async (call: CallOptions): Promise<string> => {
    const secret: VaultSecret = await vault.getSecret(name, version, call);
    if (secret.contentType && CERTIFICATE_CONTENT_TYPES.has(secret.contentType.toLowerCase())) {
      throw new VaultError(
        `The secret "${name}" in Key Vault ${vault.vaultUrl} is a certificate (${secret.contentType}): set CLIENT_CERTIFICATE_NAME=${name} instead of CLIENT_SECRET_NAME.`,
        { vaultUrl: vault.vaultUrl, item: name },
      );
    }
    expiryWarnings.check({
      key: `${vault.vaultUrl}/secrets/${name}/${secret.version ?? ''}`,
      what: `The client secret "${name}" in Key Vault ${vault.vaultUrl}`,
      expiresOn: secret.expiresOn,
    });
    return secret.value;
  };

  return {
    kind: 'keyVaultSecret',
    description: `client secret "${name}" from Key Vault ${vault.vaultUrl}`,
    async load(call: CallOptions = {}): Promise<MsalCredential> {
      current ??= await read(call);
      return { clientSecret: current };
    },
    async reload(call: CallOptions = {}): Promise<boolean> {
      const previous = current;
      current = await read(call);
      return current !== previous;
    },
  };
}
