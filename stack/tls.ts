// A throwaway certificate authority for the local stack: every loopback peer serves a leaf it
// signs, and test processes trust it through NODE_EXTRA_CA_CERTS, so TLS verification stays on.
import {
  X509Certificate,
  createPrivateKey,
  generateKeyPair as generateKeyPairCb,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { REPO_ROOT } from './paths.js';

export interface LocalCa {
  dir: string;
  caCertPath: string;
  bundlePath: string;
  caCertPem: string;
  issueServerCert(): { key: string; cert: string };
}

/** `<repo>/.local/ca`: git-ignored, so the CA key never lands in a commit. */
export const DEFAULT_CA_DIR = join(REPO_ROOT, '.local', 'ca');

const CA_KEY_FILE = 'ca.key.pem';
const CA_CERT_FILE = 'ca.cert.pem';
const BUNDLE_FILE = 'ca-bundle.pem';

/** Also how a stale copy of a local CA is recognised in a bundle. */
const CA_COMMON_NAME = 'todo-sync local stack CA';
const DAY_MS = 24 * 60 * 60 * 1000;
const CA_VALIDITY_DAYS = 90;
const LEAF_VALIDITY_DAYS = 7;
/** Backdating absorbs small clock differences between processes and the certificate dates. */
const BACKDATE_MS = 60 * 60 * 1000;

const generateKeyPair = promisify(generateKeyPairCb);

interface KeyPairPem {
  privateKey: string;
  publicKey: string;
}

const RSA_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

/** Positive 128-bit serial: RFC 5280 wants unique, positive, at most 20 octets. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function buildCaCert(keys: KeyPairPem): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + CA_VALIDITY_DAYS * DAY_MS);
  const subject = [
    { name: 'commonName', value: CA_COMMON_NAME },
    { name: 'organizationName', value: 'todo-sync (local tests only)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function buildLeafCert(caKeyPem: string, caCertPem: string): { key: string; cert: string } {
  const keys = generateKeyPairSync('rsa', RSA_OPTIONS);
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = randomSerial();
  const now = Date.now();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  // A leaf must not outlive its issuer, or verification fails before the leaf's own end.
  const leafEnd = now + LEAF_VALIDITY_DAYS * DAY_MS;
  cert.validity.notAfter = new Date(Math.min(leafEnd, caCert.validity.notAfter.getTime()));
  cert.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(caKeyPem), forge.md.sha256.create());
  return { key: keys.privateKey, cert: forge.pki.certificateToPem(cert) };
}

/** An existing CA is reused only if it is a CA, matches its key and has more than a day left. */
function isReusable(keyPem: string, certPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    if (!cert.ca) return false;
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
    return new Date(cert.validTo).getTime() - Date.now() > DAY_MS;
  } catch {
    return false;
  }
}

/** Write-then-rename, so a concurrent reader never sees half a file. */
async function writeAtomic(path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode });
  await rename(tmp, path);
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function pemBlocks(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

/** Key for de-duplication: the base64 body without line breaks. */
function pemKey(block: string): string {
  return block.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
}

/** True for any CA this module made, including an older one that a stale bundle still holds. */
function isLocalStackCa(block: string): boolean {
  try {
    return new X509Certificate(block).subject.includes(`CN=${CA_COMMON_NAME}`);
  } catch {
    return false;
  }
}

/**
 * NODE_EXTRA_CA_CERTS holds one file, and setting it to our CA would replace the system bundle
 * that is preset on these machines, so the bundle carries both. In a nested run the variable
 * already names our bundle: its roots are kept, its copy of a local CA is not.
 */
async function buildBundle(caCertPem: string): Promise<string> {
  const blocks: string[] = [];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra && existsSync(extra)) blocks.push(...pemBlocks(await readFile(extra, 'utf8')));
  blocks.push(...rootCertificates);
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const block of blocks) {
    const key = pemKey(block);
    if (seen.has(key) || isLocalStackCa(block)) continue;
    seen.add(key);
    unique.push(block);
  }
  unique.push(...pemBlocks(caCertPem));
  return `${unique.join('\n')}\n`;
}

async function readIfExists(path: string): Promise<string | undefined> {
  return existsSync(path) ? readFile(path, 'utf8') : undefined;
}

function makeLocalCa(dir: string, caKeyPem: string, caCertPem: string): LocalCa {
  let leaf: { key: string; cert: string } | undefined;
  return {
    dir,
    caCertPath: join(dir, CA_CERT_FILE),
    bundlePath: join(dir, BUNDLE_FILE),
    caCertPem,
    issueServerCert() {
      // One leaf per CA object: key generation costs tens of milliseconds and every peer can
      // share it (same host names).
      leaf ??= buildLeafCert(caKeyPem, caCertPem);
      return leaf;
    },
  };
}

/** Creates the CA in `dir` (or reuses a valid one) and (re)writes `ca-bundle.pem`. */
export async function ensureLocalCa(dir: string): Promise<LocalCa> {
  const absDir = resolve(dir);
  await mkdir(absDir, { recursive: true, mode: 0o700 });
  const keyPath = join(absDir, CA_KEY_FILE);
  const certPath = join(absDir, CA_CERT_FILE);
  const bundlePath = join(absDir, BUNDLE_FILE);

  let keyPem = await readIfExists(keyPath);
  let certPem = await readIfExists(certPath);
  if (keyPem === undefined || certPem === undefined || !isReusable(keyPem, certPem)) {
    const keys = await generateKeyPair('rsa', RSA_OPTIONS);
    keyPem = keys.privateKey;
    certPem = buildCaCert(keys);
    await writeAtomic(keyPath, keyPem, 0o600);
    await writeAtomic(certPath, certPem, 0o644);
  }

  const bundle = await buildBundle(certPem);
  if ((await readIfExists(bundlePath)) !== bundle) {
    await writeAtomic(bundlePath, bundle, 0o644);
  }
  return makeLocalCa(absDir, keyPem, certPem);
}

/**
 * Loads a CA that `ensureLocalCa` made earlier, without ever regenerating it: a process that
 * trusts the CA through NODE_EXTRA_CA_CERTS read the file at its start and cannot pick up a new one.
 */
export async function loadLocalCa(dir: string): Promise<LocalCa> {
  const absDir = resolve(dir);
  const keyPem = await readIfExists(join(absDir, CA_KEY_FILE));
  const certPem = await readIfExists(join(absDir, CA_CERT_FILE));
  if (keyPem === undefined || certPem === undefined || !isReusable(keyPem, certPem)) {
    throw new Error(`no valid local CA in ${absDir}: create it with ensureLocalCa first`);
  }
  return makeLocalCa(absDir, keyPem, certPem);
}
