/** The typed, validated configuration every part of the core is given. Parsed once per process. */
export interface AppConfig {
  readonly clientId: string;
  readonly authority: AuthorityConfig;
  readonly credential: CredentialConfig;
  /** Full URL of the list endpoint, no trailing slash. */
  readonly apiEndpoint: string;
  /** The one scope requested by client credentials: `<app ID URI>/.default`. */
  readonly scope: string;
  /** Unset when no storage setting is present: only a sync needs storage. */
  readonly storage: StorageConfig | undefined;
  readonly syncContainer: string;
}

export interface AuthorityConfig {
  /** No trailing slash. */
  readonly url: string;
  readonly kind: 'entra' | 'externalId' | 'oidc';
  /** Hosts (with port) MSAL must trust without Microsoft's instance discovery. */
  readonly knownAuthorities: readonly string[];
}

export type CredentialConfig = { readonly kind: 'clientSecret'; readonly clientSecret: string };

export type StorageConfig =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | {
      readonly kind: 'identity';
      readonly blobServiceUri: string;
      /** `managedidentity` selects a managed identity (user-assigned when clientId is set). */
      readonly credential: 'managedidentity' | 'default';
      readonly clientId: string | undefined;
    };
