import type { CallOptions } from '../core/callOptions.js';
import { VaultError } from '../errors.js';
import { CERTIFICATE_CONTENT_TYPES } from './certificateContentTypes.js';
import {
  CertificateMaterialError,
  fromPem,
  fromPkcs12,
  type CertificateMaterial,
} from './certificateMaterial.js';
import type { CredentialSource, MsalCredential } from './credentialSource.js';
import type { VaultSourceOptions } from './vaultSourceOptions.js';

/**
 * A Key Vault certificate, read through `GET /secrets/{name}` (the only way to get its private
 * key), parsed in-process, cached for the process, re-read only after a rejection (rotation).
 */
export function keyVaultCertificateSource(options: VaultSourceOptions): CredentialSource {
  const { vault, name, version, logger, expiryWarnings } = options;
  let current: CertificateMaterial | undefined;
  const fail = (message: string): VaultError =>
    new VaultError(`The certificate "${name}" in Key Vault ${vault.vaultUrl} ${message}`, {
      vaultUrl: vault.vaultUrl,
      item: name,
    });

  const read = async (call: CallOptions): Promise<CertificateMaterial> => {
    const secret = await vault.getSecret(name, version, call);
    const type = secret.contentType?.toLowerCase();
    if (!type || !CERTIFICATE_CONTENT_TYPES.has(type)) {
      throw fail(
        `has content type "${secret.contentType ?? 'none'}", not a certificate's (application/x-pem-file or application/x-pkcs12): is CLIENT_CERTIFICATE_NAME the name of a certificate? For a plain secret use CLIENT_SECRET_NAME.`,
      );
    }
    let material: CertificateMaterial;
    try {
      material =
        type === 'application/x-pem-file' ? fromPem(secret.value) : fromPkcs12(secret.value);
    } catch (err) {
      if (err instanceof CertificateMaterialError) throw fail(`cannot be used: ${err.message}.`);
      throw err;
    }
    const expiresOn =
      secret.expiresOn && secret.expiresOn < material.notAfter
        ? secret.expiresOn
        : material.notAfter;
    expiryWarnings.check({
      key: `${vault.vaultUrl}/certificates/${name}/${material.thumbprintSha256}`,
      what: `The certificate "${name}" in Key Vault ${vault.vaultUrl}`,
      expiresOn,
    });
    logger.debug('certificate loaded', { name, thumbprintSha256: material.thumbprintSha256 });
    return material;
  };

  return {
    kind: 'keyVaultCertificate',
    description: `certificate "${name}" from Key Vault ${vault.vaultUrl}`,
    async load(call: CallOptions = {}): Promise<MsalCredential> {
      current ??= await read(call);
      return {
        clientCertificate: {
          thumbprintSha256: current.thumbprintSha256,
          privateKey: current.privateKey,
          x5c: current.x5c,
        },
      };
    },
    async reload(call: CallOptions = {}): Promise<boolean> {
      const previous = current?.thumbprintSha256;
      current = await read(call);
      return current.thumbprintSha256 !== previous;
    },
  };
}
