import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemResponse } from '../../src/adapters/problemDetails.js';
import { Redactor } from '../../src/logging/redact.js';
import { bodyText } from '../support/capture.js';
import {
  ApiError,
  AuthError,
  ConfigError,
  LockHeldError,
  RunTimeoutError,
  StorageError,
  VaultError,
} from '../../src/errors.js';

describe('problemResponse', () => {
  // [error, status, code, Retry-After]
  const cases: [unknown, number, string, string | undefined][] = [
    [new ConfigError(['CLIENT_ID is not set']), 500, 'config', undefined],
    [new AuthError('no token'), 503, 'auth', '60'],
    [new VaultError('vault said no', { vaultUrl: 'https://v', item: 'x' }), 503, 'vault', '60'],
    [new ApiError('api failed', { method: 'GET', url: 'https://a' }), 502, 'api', undefined],
    [new StorageError('storage failed'), 502, 'storage', undefined],
    [new LockHeldError(60), 409, 'lock-held', '60'],
    [new LockHeldError(17), 409, 'lock-held', '17'],
    [new RunTimeoutError('ran out of time', ['the API']), 504, 'timeout', undefined],
    [new Error('Bearer abc.def secret inside'), 500, 'internal', undefined],
  ];
  for (const [error, status, code, retryAfter] of cases) {
    it(`maps ${code} to ${status} application/problem+json${retryAfter ? ` with Retry-After ${retryAfter}` : ''}`, () => {
      const response = problemResponse(error, 'inv-1', new Redactor());
      assert.equal(response.status, status);
      assert.deepEqual(response.headers, {
        'Content-Type': 'application/problem+json',
        ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter }),
      });
      const body = JSON.parse(bodyText(response)) as Record<string, unknown>;
      assert.equal(body.type, `urn:todo-sync:problem:${code}`);
      assert.equal(body.status, status);
      assert.equal(body.invocationId, 'inv-1');
      if (code === 'internal') assert.ok(!String(body.detail).includes('secret inside'));
      else assert.equal(body.detail, (error as Error).message);
    });
  }

  it('says a held lock frees itself when its holder died, and when', () => {
    const detail = String(
      (
        JSON.parse(bodyText(problemResponse(new LockHeldError(60), 'inv-2', new Redactor()))) as {
          detail: unknown;
        }
      ).detail,
    );
    assert.match(detail, /^another sync is running/);
    assert.match(detail, /expires by itself within 60 s/);
    assert.doesNotMatch(detail, /when it has finished/);
  });

  // What an SDK or a misbehaving API might put into one of our errors' messages.
  const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJyb2xlcyI6W119.c2lnbmF0dXJlLXZhbHVl';
  const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq';
  const SIG = 'c2FzLXNpZ25hdHVyZS12YWx1ZQ%3D%3D';
  const SETTING_SECRET = 'client-secret-value-7Qx';
  const secretMessages: [string, unknown, string][] = [
    ['a JWT', new ApiError(`echoed ${JWT}`, { method: 'GET', url: 'https://a' }), JWT],
    ['a bearer token', new AuthError('header Bearer opaque.token-value_1'), 'opaque.token-value_1'],
    [
      'a storage account key',
      new StorageError(`AccountName=devstoreaccount1;AccountKey=${ACCOUNT_KEY};`),
      ACCOUNT_KEY,
    ],
    ['a SAS signature', new StorageError(`https://x.blob/c?sv=2024&sig=${SIG}`), SIG],
    [
      "a setting's secret value",
      new VaultError(`vault said ${SETTING_SECRET}`, { vaultUrl: 'https://v', item: 'x' }),
      SETTING_SECRET,
    ],
  ];
  for (const [what, error, secret] of secretMessages) {
    it(`redacts ${what} in the detail`, () => {
      const redactor = new Redactor([SETTING_SECRET]);
      const body = JSON.parse(bodyText(problemResponse(error, 'inv-2', redactor))) as {
        detail: string;
      };
      assert.ok(!body.detail.includes(secret), body.detail);
      assert.match(body.detail, /\[REDACTED[^\]]*\]/);
      // The words before the secret are still there.
      const message = (error as Error).message;
      const before = message.slice(0, message.indexOf(secret));
      assert.ok(body.detail.startsWith(`${before}[REDACTED`), body.detail);
    });
  }
});
