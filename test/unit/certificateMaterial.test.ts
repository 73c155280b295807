import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CertificateMaterialError,
  fromPem,
  fromPkcs12,
} from '../../src/auth/certificateMaterial.js';
import { createDaemonCertificate } from '../../stack/daemonCertificate.js';

const leafOf = (x5c: string): X509Certificate =>
  new X509Certificate(
    /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(x5c)?.[0] ?? '',
  );

describe('certificate material from Key Vault', () => {
  it('reads PEM: SHA-256 thumbprint, PKCS#8 key, leaf first even when the chain is reversed', async () => {
    const cert = await createDaemonCertificate({ withChain: true, reverseChain: true });
    const material = fromPem(cert.pemBundle);
    assert.equal(material.thumbprintSha256.toLowerCase(), cert.thumbprintSha256.toLowerCase());
    assert.match(material.privateKey, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(material.x5c.match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.equal(
      leafOf(material.x5c).fingerprint256,
      new X509Certificate(cert.certPem).fingerprint256,
    );
    assert.equal(
      material.notAfter.getTime(),
      new Date(new X509Certificate(cert.certPem).validTo).getTime(),
    );
  });

  it('reads PKCS#12 in-process, to the same material as PEM', async () => {
    const cert = await createDaemonCertificate({ withChain: true });
    const fromPfx = fromPkcs12(cert.pkcs12Base64);
    const fromText = fromPem(cert.pemBundle);
    assert.equal(fromPfx.thumbprintSha256, fromText.thumbprintSha256);
    assert.equal(leafOf(fromPfx.x5c).fingerprint256, leafOf(fromText.x5c).fingerprint256);
    assert.equal(fromPfx.privateKey, fromText.privateKey);
  });

  it('refuses material without a key, with a mismatched key, or that is not PKCS#12', async () => {
    const a = await createDaemonCertificate();
    const b = await createDaemonCertificate();
    assert.throws(() => fromPem(a.certPem), CertificateMaterialError);
    assert.throws(
      () => fromPem(`${a.keyPem}\n${b.certPem}`),
      /no certificate matches the private key/,
    );
    assert.throws(() => fromPkcs12('bm90IGEgcGZ4'), /could not be read/);
  });

  it('never puts key material into its error messages', async () => {
    const a = await createDaemonCertificate();
    const b = await createDaemonCertificate();
    try {
      fromPem(`${a.keyPem}\n${b.certPem}`);
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(err instanceof Error);
      assert.ok(!err.message.includes('PRIVATE KEY'));
      assert.ok(!err.message.includes(a.keyPem.split('\n')[1] ?? 'x'));
    }
  });
});
