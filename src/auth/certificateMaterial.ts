import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** What MSAL needs for certificate credentials, plus the leaf's expiry for warnings. */
export interface CertificateMaterial {
  /** PKCS#8 PEM. */
  readonly privateKey: string;
  /** SHA-256 thumbprint of the leaf, hex without colons (MSAL's `thumbprintSha256`). */
  readonly thumbprintSha256: string;
  /** The chain as PEM, leaf first (MSAL sends it as `x5c` for subject-name/issuer trust). */
  readonly x5c: string;
  readonly notAfter: Date;
}

const CERT_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_PEM =
  /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** Thrown with a message that names what is wrong with the material, never the material. */
export class CertificateMaterialError extends Error {
  override readonly name = 'CertificateMaterialError';
}

/** Key Vault exposes a certificate's key as PEM (key + certificates in one string). */
export function fromPem(text: string): CertificateMaterial {
  const keyPem = KEY_PEM.exec(text)?.[0];
  if (!keyPem) throw new CertificateMaterialError('the PEM holds no private key');
  if (keyPem.includes('ENCRYPTED')) {
    throw new CertificateMaterialError(
      'the PEM private key is encrypted; Key Vault exports it unencrypted',
    );
  }
  const certs = text.match(CERT_PEM) ?? [];
  return assemble(parseKey(keyPem), certs);
}

/** Key Vault exposes a PKCS#12 certificate as base64 with an empty password. */
export function fromPkcs12(base64: string): CertificateMaterial {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const der = forge.util.decode64(base64.replace(/\s+/g, ''));
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), '');
  } catch {
    throw new CertificateMaterialError(
      'the PKCS#12 content could not be read (not base64 PKCS#12, or protected by a password)',
    );
  }
  const bags = (type: string | undefined): forge.pkcs12.Bag[] =>
    type ? (p12.getBags({ bagType: type })[type] ?? []) : [];
  const forgeKey = [
    ...bags(forge.pki.oids.pkcs8ShroudedKeyBag),
    ...bags(forge.pki.oids.keyBag),
  ].find((bag) => bag.key)?.key;
  if (!forgeKey) throw new CertificateMaterialError('the PKCS#12 holds no private key');
  const certs = bags(forge.pki.oids.certBag).flatMap((bag) =>
    bag.cert ? [forge.pki.certificateToPem(bag.cert)] : [],
  );
  return assemble(parseKey(forge.pki.privateKeyToPem(forgeKey)), certs);
}

function parseKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new CertificateMaterialError('the private key could not be parsed');
  }
}

/** Finds the leaf (the certificate of the private key) and puts it first. */
function assemble(key: KeyObject, certPems: readonly string[]): CertificateMaterial {
  if (certPems.length === 0)
    throw new CertificateMaterialError('no certificate found beside the key');
  let certs: X509Certificate[];
  try {
    certs = certPems.map((pem) => new X509Certificate(pem));
  } catch {
    throw new CertificateMaterialError('a certificate could not be parsed');
  }
  const leaf = certs.find((cert) => cert.checkPrivateKey(key));
  if (!leaf) throw new CertificateMaterialError('no certificate matches the private key');
  const chain = [leaf, ...certs.filter((cert) => cert !== leaf)];
  return {
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprintSha256: leaf.fingerprint256.replaceAll(':', ''),
    x5c: chain.map((cert) => cert.toString().trim()).join('\n'),
    notAfter: new Date(leaf.validTo),
  };
}
