import { RestError } from '@azure/storage-blob';
import { StorageError } from '../errors.js';

const HINTS: Readonly<Record<string, string>> = {
  AuthorizationPermissionMismatch:
    "the identity lacks a data role: assign 'Storage Blob Data Owner' on the storage account to the function app's identity.",
  AuthorizationFailure:
    'storage refused the request: check network rules and that shared-key or identity access is allowed.',
  AuthenticationFailed: 'storage rejected the credential: check AzureWebJobsStorage.',
  ContainerBeingDeleted: 'the container is being deleted; retry in a minute.',
};

/**
 * Converts an Azure Storage SDK error into our StorageError. The SDK's error carries the
 * request (URL with any SAS, headers with any shared-key signature), so it is not kept as cause.
 */
export function toStorageError(err: unknown, operation: string): StorageError {
  if (err instanceof RestError) {
    const code = err.code ?? '';
    const status = err.statusCode;
    const requestId = err.response?.headers.get('x-ms-request-id') ?? undefined;
    // The message ends with its own full stop.
    const hint = HINTS[code]?.replace(/\.$/, '');
    const reason =
      status === undefined
        ? `could not reach storage (${code || 'network error'}): check AzureWebJobsStorage and that the storage endpoint (Azurite locally) is running`
        : `${status}${code ? ` ${code}` : ''}`;
    return new StorageError(
      `Blob Storage failed to ${operation}: ${reason}${hint ? `; ${hint}` : ''}${requestId ? ` (request-id ${requestId})` : ''}.`,
      { status, requestId },
    );
  }
  if (err instanceof StorageError) return err;
  const detail = err instanceof Error ? err.message : 'unknown error';
  return new StorageError(`Blob Storage failed to ${operation}: ${detail}.`);
}
