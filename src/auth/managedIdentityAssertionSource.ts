import type { TokenCredential } from '@azure/identity';
import { callWithin } from '../core/boundedSignal.js';
import { AuthError } from '../errors.js';
import type { CredentialSource, MsalCredential } from './credentialSource.js';
import { currentTokenCall } from './tokenCallContext.js';

/** The audience Entra requires of a managed-identity token used as a federated credential. */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';
export const TOKEN_EXCHANGE_SCOPE = `${TOKEN_EXCHANGE_AUDIENCE}/.default`;

/**
 * No secret at all: the app registration trusts a managed identity through a federated
 * identity credential, and MSAL's client assertion is a fresh managed-identity token each time
 * MSAL asks (a fixed assertion string would expire). Works only when the identity and the app
 * registration are in the same tenant, so not for External ID tenants.
 */
export function managedIdentityAssertionSource(
  credential: TokenCredential,
  clientId: string | undefined,
  callTimeoutMs: number,
): CredentialSource {
  const credentialOptions: MsalCredential = {
    clientAssertion: async () => {
      // MSAL calls this without a signal: the token request's deadline comes through its context.
      const call = currentTokenCall();
      try {
        // Raced against the bound, not just given it: ManagedIdentityCredential hands MSAL no
        // signal, so a managed-identity endpoint that accepts and never answers would hold the
        // token request (and the run) for ever. Its request is left to the SDK.
        const token = await callWithin(
          call?.signal,
          callTimeoutMs,
          () =>
            new AuthError(
              `The managed-identity endpoint did not give a token for the federated credential within ${(callTimeoutMs / 1000).toString()} s (CALL_TIMEOUT_SECONDS).`,
            ),
          (abortSignal) => credential.getToken(TOKEN_EXCHANGE_SCOPE, { abortSignal }),
        );
        if (!token) throw new Error('the managed identity returned no token for the assertion');
        return token.token;
      } catch (err) {
        // Our timeout (the identity SDK's own errors are not ours): MSAL would replace it with
        // a generic network_error, so the token call takes it back.
        if (call && err instanceof AuthError) call.failure = err;
        throw err;
      }
    },
  };
  return {
    kind: 'managedIdentity',
    description: `managed identity ${clientId ?? '(system-assigned)'} as a federated credential`,
    load: () => Promise.resolve(credentialOptions),
    // Every assertion is fetched fresh; there is nothing to reload.
    reload: () => Promise.resolve(false),
  };
}
