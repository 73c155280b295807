import type { CallOptions } from './callOptions.js';

/** An access token for the protected API, with where it came from. */
export interface AccessToken {
  readonly token: string;
  readonly expiresOn: Date | undefined;
  /** `cache` when MSAL answered from its cache, `idp` when it asked the identity provider. */
  readonly source: 'cache' | 'idp';
}

export interface TokenRequest extends CallOptions {
  /** Skips the cache, e.g. after the API refused a cached token. */
  readonly forceRefresh?: boolean;
}

export interface TokenProvider {
  getToken(request?: TokenRequest): Promise<AccessToken>;
}
