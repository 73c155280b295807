/** An access token for the protected API, with where it came from. */
export interface AccessToken {
  readonly token: string;
  readonly expiresOn: Date | undefined;
  /** `cache` when MSAL answered from its cache, `idp` when it asked the identity provider. */
  readonly source: 'cache' | 'idp';
}

export interface TokenProvider {
  /** `forceRefresh` skips the cache, e.g. after the API refused a cached token. */
  getToken(options?: { forceRefresh?: boolean }): Promise<AccessToken>;
}
