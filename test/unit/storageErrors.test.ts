import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestError } from '@azure/storage-blob';
import { StorageError } from '../../src/errors.js';
import { toStorageError } from '../../src/store/storageErrors.js';

const SAS_URL =
  'http://127.0.0.1:10000/devstoreaccount1/todo-sync/snapshot/latest.json?sv=2024-01-01&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';

/** A RestError as @azure/storage-blob throws it: the request URL (with any SAS) in its message. */
function restError(statusCode: number | undefined, code: string, requestId?: string): RestError {
  const headers = new Map(requestId ? [['x-ms-request-id', requestId]] : []);
  return new RestError(`${code} for ${SAS_URL}`, {
    code,
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(statusCode === undefined
      ? {}
      : {
          response: {
            status: statusCode,
            headers: { get: (name: string) => headers.get(name) },
          } as unknown as RestError['response'],
        }),
  });
}

const cases: [string, unknown, RegExp, number | undefined, string | undefined][] = [
  [
    'no data role',
    restError(403, 'AuthorizationPermissionMismatch', 'req-1'),
    /^Blob Storage failed to write the snapshot: 403 AuthorizationPermissionMismatch; the identity lacks a data role: assign 'Storage Blob Data Owner' on the storage account to the function app's identity \(request-id req-1\)\.$/,
    403,
    'req-1',
  ],
  [
    'network rules or shared key off',
    restError(403, 'AuthorizationFailure'),
    /^Blob Storage failed to write the snapshot: 403 AuthorizationFailure; storage refused the request: check network rules and that shared-key or identity access is allowed\.$/,
    403,
    undefined,
  ],
  [
    'a wrong key',
    restError(403, 'AuthenticationFailed'),
    /: 403 AuthenticationFailed; storage rejected the credential: check AzureWebJobsStorage\.$/,
    403,
    undefined,
  ],
  [
    'a container being deleted',
    restError(409, 'ContainerBeingDeleted'),
    /: 409 ContainerBeingDeleted; the container is being deleted; retry in a minute\.$/,
    409,
    undefined,
  ],
  [
    'another status keeps its code',
    restError(412, 'ConditionNotMet', 'req-2'),
    /^Blob Storage failed to write the snapshot: 412 ConditionNotMet \(request-id req-2\)\.$/,
    412,
    'req-2',
  ],
  [
    'no answer at all',
    restError(undefined, 'ECONNREFUSED'),
    /^Blob Storage failed to write the snapshot: could not reach storage \(ECONNREFUSED\): check AzureWebJobsStorage and that the storage endpoint \(Azurite locally\) is running\.$/,
    undefined,
    undefined,
  ],
  [
    'anything else thrown',
    new Error('boom'),
    /^Blob Storage failed to write the snapshot: boom\.$/,
    undefined,
    undefined,
  ],
];

describe('toStorageError (Blob Storage errors)', () => {
  for (const [name, err, message, status, requestId] of cases) {
    it(name, () => {
      const error = toStorageError(err, 'write the snapshot');
      assert.ok(error instanceof StorageError);
      assert.match(error.message, message);
      assert.equal(error.status, status);
      assert.equal(error.requestId, requestId);
      // The SDK's error holds the request: its URL may carry a SAS.
      assert.ok(!error.message.includes('sig='));
      if (err instanceof RestError) assert.equal(error.cause, undefined);
    });
  }

  it('passes a StorageError through unchanged', () => {
    const original = new StorageError('already converted');
    assert.equal(toStorageError(original, 'x'), original);
  });
});
