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
  const cases: [unknown, number, string][] = [
    [new ConfigError(['CLIENT_ID is not set']), 500, 'config'],
    [new AuthError('no token'), 503, 'auth'],
    [new VaultError('vault said no', { vaultUrl: 'https://v', item: 'x' }), 503, 'vault'],
    [new ApiError('api failed', { method: 'GET', url: 'https://a' }), 502, 'api'],
    [new StorageError('storage failed'), 502, 'storage'],
    [new LockHeldError(), 409, 'lock-held'],
    [new RunTimeoutError('ran out of time', ['the API']), 504, 'timeout'],
    [new Error('Bearer abc.def secret inside'), 500, 'internal'],
  ];
  for (const [error, status, code] of cases) {
    it(`maps ${code} to ${status} application/problem+json`, () => {
      const response = problemResponse(error, 'inv-1', new Redactor());
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
});
