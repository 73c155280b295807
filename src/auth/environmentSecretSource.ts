import type { CredentialSource } from './credentialSource.js';

/** A client secret taken from the CLIENT_SECRET setting (local development). */
export function environmentSecretSource(clientSecret: string): CredentialSource {
  return {
    kind: 'clientSecret',
    description: 'client secret from CLIENT_SECRET',
    load: () => Promise.resolve({ clientSecret }),
    // The environment cannot change under a running process.
    reload: () => Promise.resolve(false),
  };
}
