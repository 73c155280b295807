import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemResponse } from '../../src/adapters/problemDetails.js';
import { processRedactor } from '../../src/logging/redact.js';
import { bodyText } from '../support/capture.js';
import {
  ApiError,
  AuthError,
  ConfigError,
  LockHeldError,
  StorageError,
  VaultError,
} from '../../src/errors.js';

describe('problemResponse', () => {
  const cases: [unknown, number, string][] = [
    [new ConfigError(['CLIENT_ID is not set']), 500, 'config'],
    [new AuthError('no token'), 503, 'auth'],
    [new VaultError('vault said no', { vaultUrl: 'https://v', item: 'x' }), 503, 'vault'],
    [new ApiError('api failed', { method: 'GET', url: 'https://a' }), 502, 'api'],
    [new StorageError('storage failed'), 502, 'storage'],
    [new LockHeldError(), 409, 'lock-held'],
    [new Error('Bearer abc.def secret inside'), 500, 'internal'],
  ];
  for (const [error, status, code] of cases) {
    it(`maps ${code} to ${status} application/problem+json`, () => {
      const response = problemResponse(error, 'inv-1');
      assert.equal(response.status, status);
      assert.deepEqual(response.headers, { 'Content-Type': 'application/problem+json' });
      const body = JSON.parse(bodyText(response)) as Record<string, unknown>;
      assert.equal(body.type, `urn:todo-sync:problem:${code}`);
      assert.equal(body.status, status);
      assert.equal(body.invocationId, 'inv-1');
      if (code === 'internal') assert.ok(!String(body.detail).includes('secret inside'));
      else assert.equal(body.detail, (error as Error).message);
    });
  }

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
      processRedactor.add(SETTING_SECRET);
      const body = JSON.parse(bodyText(problemResponse(error, 'inv-2'))) as { detail: string };
      assert.ok(!body.detail.includes(secret), body.detail);
      assert.match(body.detail, /\[REDACTED[^\]]*\]/);
      // The words before the secret are still there.
      const message = (error as Error).message;
      const before = message.slice(0, message.indexOf(secret));
      assert.ok(body.detail.startsWith(`${before}[REDACTED`), body.detail);
    });
  }
});
