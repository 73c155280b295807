// Client certificates for the daemon app, in the formats Key Vault hands out for a certificate
// read as a secret: PEM (key + certificates) and base64 PKCS#12 with an empty password.
import { X509Certificate, generateKeyPair as generateKeyPairCb, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface DaemonCertificateOptions {
  /** Default: one year from now. A date in the past gives an already expired certificate. */
  notAfter?: Date;
  /** Issue the leaf from a throwaway intermediate, so the PEM and the PFX hold 2 certificates. */
  withChain?: boolean;
  /** Put the intermediate before the leaf (Key Vault can return a chain in that order). */
  reverseChain?: boolean;
}

export interface DaemonCertificate {
  /** The leaf certificate alone. */
  certPem: string;
  /** The leaf's private key, unencrypted PKCS#8. */
  keyPem: string;
  /** Leaf first, then the intermediate if any: what MSAL takes as `x5c`. */
  chainPem: string;
  /** Key Vault's `application/x-pem-file` value: the key, then the certificates. */
  pemBundle: string;
  /** Key Vault's `application/x-pkcs12` value: base64 PFX, empty password. */
  pkcs12Base64: string;
  /** Hex SHA-256 of the leaf's DER, as MSAL's `thumbprintSha256` wants it. */
  thumbprintSha256: string;
  /** Hex SHA-1 of the leaf's DER (MSAL's older `thumbprint`, sent as `x5t`). */
  thumbprintSha1: string;
  notAfter: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_VALIDITY_DAYS = 365;
/** Backdating absorbs clock differences between this process and whoever checks the dates. */
const BACKDATE_MS = 60 * 60 * 1000;

const generateKeyPair = promisify(generateKeyPairCb);

interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

function newKeyPair(): Promise<KeyPairPem> {
  return generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

/** Positive 128-bit serial (RFC 5280: unique, positive, at most 20 octets). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** forge writes CRLF line ends; Key Vault and Node write LF. */
function toPem(cert: forge.pki.Certificate): string {
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

interface Issuer {
  subject: forge.pki.CertificateField[];
  privateKeyPem: string;
}

function buildCertificate(opts: {
  keys: KeyPairPem;
  commonName: string;
  issuer: Issuer | 'self';
  notAfter: Date;
  ca: boolean;
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.keys.publicKey);
  cert.serialNumber = randomSerial();
  // An expired certificate still needs notBefore < notAfter.
  cert.validity.notBefore = new Date(
    Math.min(Date.now() - BACKDATE_MS, opts.notAfter.getTime() - BACKDATE_MS),
  );
  cert.validity.notAfter = opts.notAfter;
  const subject = [
    { name: 'commonName', value: opts.commonName },
    { name: 'organizationName', value: 'todo-sync (local tests only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer === 'self' ? subject : opts.issuer.subject);
  cert.setExtensions(
    opts.ca
      ? [
          { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false, critical: true },
          { name: 'keyUsage', digitalSignature: true, critical: true },
          { name: 'extKeyUsage', clientAuth: true },
        ],
  );
  const signer = opts.issuer === 'self' ? opts.keys.privateKey : opts.issuer.privateKeyPem;
  cert.sign(forge.pki.privateKeyFromPem(signer), forge.md.sha256.create());
  return cert;
}

function toPkcs12Base64(keyPem: string, certs: forge.pki.Certificate[]): string {
  // An empty password, as Key Vault exports it; 3DES so OpenSSL 3 reads it without the
  // legacy provider.
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(keyPem), certs, '', {
    algorithm: '3des',
  });
  return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}

/** A new RSA 2048 client certificate (self-signed, or from a throwaway intermediate). */
export async function createDaemonCertificate(
  opts: DaemonCertificateOptions = {},
): Promise<DaemonCertificate> {
  const notAfter = opts.notAfter ?? new Date(Date.now() + DEFAULT_VALIDITY_DAYS * DAY_MS);
  const [leafKeys, intermediateKeys] = await Promise.all([
    newKeyPair(),
    opts.withChain ? newKeyPair() : undefined,
  ]);

  let intermediate: forge.pki.Certificate | undefined;
  if (intermediateKeys) {
    // The intermediate outlives the leaf, so the chain is never the first thing to expire.
    intermediate = buildCertificate({
      keys: intermediateKeys,
      commonName: 'todo-sync local daemon issuing CA',
      issuer: 'self',
      notAfter: new Date(Math.max(notAfter.getTime(), Date.now()) + DAY_MS),
      ca: true,
    });
  }
  const leaf = buildCertificate({
    keys: leafKeys,
    commonName: 'todo-sync-daemon',
    issuer:
      intermediate && intermediateKeys
        ? { subject: intermediate.subject.attributes, privateKeyPem: intermediateKeys.privateKey }
        : 'self',
    notAfter,
    ca: false,
  });

  const leafFirst = intermediate ? [leaf, intermediate] : [leaf];
  const vaultOrder = opts.reverseChain ? [...leafFirst].reverse() : leafFirst;
  const certPem = toPem(leaf);
  const x509 = new X509Certificate(certPem);
  return {
    certPem,
    keyPem: leafKeys.privateKey,
    chainPem: leafFirst.map(toPem).join(''),
    pemBundle: `${leafKeys.privateKey}${vaultOrder.map(toPem).join('')}`,
    pkcs12Base64: toPkcs12Base64(leafKeys.privateKey, vaultOrder),
    thumbprintSha256: x509.fingerprint256.replace(/:/g, ''),
    thumbprintSha1: x509.fingerprint.replace(/:/g, ''),
    notAfter,
  };
}

/**
 * Key Vault's `outContentType=application/x-pem-file` conversion of a PKCS#12 value: the key
 * (PKCS#8), then the certificates in the PFX's order.
 */
export function pkcs12ToPemBundle(base64: string): string {
  const der = forge.util.decode64(base64);
  const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(der), '');
  const bagsOf = (type: string): forge.pkcs12.Bag[] => p12.getBags({ bagType: type })[type] ?? [];
  const key = [
    ...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag ?? ''),
    ...bagsOf(forge.pki.oids.keyBag ?? ''),
  ].find((bag) => bag.key)?.key;
  if (!key) throw new Error('the PKCS#12 value holds no private key');
  const keyPem = forge.pki
    .privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)))
    .replace(/\r\n/g, '\n');
  const certs = bagsOf(forge.pki.oids.certBag ?? '').flatMap((bag) =>
    bag.cert ? [toPem(bag.cert)] : [],
  );
  return `${keyPem}${certs.join('')}`;
}
