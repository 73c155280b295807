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
    const keyLines = a.keyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
    // The key with half of its body gone: PEM armour intact, DER truncated.
    const truncatedKey = a.keyPem.replace(keyLines.slice(keyLines.length / 2).join('\n'), '');
    // Every way a PEM that holds this key can be refused, with the reason it is refused for.
    const refused: [string, RegExp][] = [
      [`${a.keyPem}\n${b.certPem}`, /^no certificate matches the private key$/],
      [a.keyPem, /^no certificate found beside the key$/],
      [
        `${a.keyPem}\n${b.certPem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!')}`,
        /^a certificate could not be parsed$/,
      ],
      [`${truncatedKey}\n${a.certPem}`, /^the private key could not be parsed$/],
    ];
    for (const [pem, reason] of refused) {
      assert.throws(
        () => fromPem(pem),
        (err: unknown) => {
          assert.ok(err instanceof CertificateMaterialError, String(err));
          assert.match(err.message, reason);
          assert.ok(!err.message.includes('PRIVATE KEY'), reason.source);
          for (const line of keyLines) assert.ok(!err.message.includes(line), reason.source);
          assert.equal(err.cause, undefined, `${reason.source}: the parser's error is not kept`);
          return true;
        },
        reason.source,
      );
    }
  });
});
