import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Redactor } from '../../src/logging/redact.js';
import { createLogger } from '../../src/logging/logger.js';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJhdWQiOiJhcGk6Ly94In0.c2lnbmF0dXJlLXBhcnQtaGVyZQ';

describe('Redactor', () => {
  it('scrubs registered secret values wherever they appear', () => {
    const r = new Redactor();
    r.add('my-client-secret-value');
    assert.equal(r.redact('oops: my-client-secret-value!'), 'oops: [REDACTED]!');
  });

  it('scrubs JWTs, bearer tokens and OAuth form fields', () => {
    const r = new Redactor();
    const out = r.redact(
      `Authorization: Bearer abc.def-ghi token=${JWT} client_secret=s3cr3t&client_assertion=xyz`,
    );
    assert.ok(!out.includes('abc.def-ghi'));
    assert.ok(!out.includes(JWT));
    assert.ok(!out.includes('s3cr3t'));
    assert.ok(!out.includes('xyz'));
  });

  it('scrubs storage keys, SAS signatures and private keys', () => {
    const r = new Redactor();
    const out = r.redact(
      'AccountName=a;AccountKey=Zm9vYmFy==;BlobEndpoint=x https://a/b?sv=1&sig=abc%2Bdef&se=2 ' +
        '-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----',
    );
    assert.ok(!out.includes('Zm9vYmFy'));
    assert.ok(!out.includes('abc%2Bdef'));
    assert.ok(!out.includes('MIIEvQ'));
    assert.ok(out.includes('AccountName=a'), 'keeps what is not secret');
  });

  it('scrubs the user name and password of any URL, keeping scheme, host and path', () => {
    const r = new Redactor();
    assert.equal(
      r.redact('GET https://daemon:pA55w0rd@api.contoso.com/api/todolist failed'),
      'GET https://[REDACTED]@api.contoso.com/api/todolist failed',
    );
    assert.equal(
      r.redact('url=http://token@127.0.0.1:5000/x, and ftp://u:p%40ss@h'),
      'url=http://[REDACTED]@127.0.0.1:5000/x, and ftp://[REDACTED]@h',
    );
    // A password with an unencoded "@" is scrubbed up to the host.
    assert.equal(r.redact('"https://u:p@ss@host/x"'), '"https://[REDACTED]@host/x"');
    // An "@" after the host (path, query) is not userinfo.
    const plain = 'https://api.contoso.com/users/a@b.com?x=y@z see me@example.com';
    assert.equal(r.redact(plain), plain);
  });

  it('ignores values too short to be secrets', () => {
    const r = new Redactor();
    r.add('abc');
    assert.equal(r.redact('abc'), 'abc');
  });
});

describe('createLogger', () => {
  it('redacts messages and fields and filters by level', () => {
    const lines: string[] = [];
    const r = new Redactor();
    r.add('hunter2-secret');
    const logger = createLogger((level, line) => lines.push(`${level}:${line}`), {
      minLevel: 'info',
      redactor: r,
    });
    logger.debug('hidden');
    logger.warn('failed with hunter2-secret', { token: `Bearer ${JWT}`, n: 3 });
    assert.deepEqual(lines, ['warn:failed with [REDACTED] token=Bearer [REDACTED JWT] n=3']);
  });
});
