import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { StorageConfig } from '../config/appConfig.js';

/** Storage-side retries kept short so a broken storage fails the run within a minute. */
const PIPELINE: StoragePipelineOptions = {
  retryOptions: {
    maxTries: 3,
    retryDelayInMs: 500,
    maxRetryDelayInMs: 4_000,
    tryTimeoutInMs: 20_000,
  },
};

/**
 * Builds the blob client from a connection string (local, Azurite) or a managed identity
 * (Azure). @azure/identity is imported only in the identity case, to keep cold start lean.
 */
export async function createBlobServiceClient(storage: StorageConfig): Promise<BlobServiceClient> {
  if (storage.kind === 'connectionString') {
    return BlobServiceClient.fromConnectionString(storage.connectionString, PIPELINE);
  }
  const identity = await import('@azure/identity');
  const credential =
    storage.credential === 'managedidentity'
      ? new identity.ManagedIdentityCredential(
          storage.clientId ? { clientId: storage.clientId } : {},
        )
      : new identity.DefaultAzureCredential(
          storage.clientId ? { managedIdentityClientId: storage.clientId } : {},
        );
  return new BlobServiceClient(storage.blobServiceUri, credential, PIPELINE);
}
