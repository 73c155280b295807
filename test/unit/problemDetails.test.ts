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
});
