/** The typed, validated configuration every part of the core is given. Parsed once per process. */
export interface AppConfig {
  readonly clientId: string;
  readonly authority: AuthorityConfig;
  readonly credential: CredentialConfig;
  /** AZURE_CLIENT_ID: the user-assigned managed identity for Key Vault and assertions. */
  readonly azureClientId: string | undefined;
  /** Running on App Service / Functions in Azure (WEBSITE_INSTANCE_ID is set). */
  readonly runningInAzure: boolean;
  /** Full URL of the list endpoint, no trailing slash. */
  readonly apiEndpoint: string;
  /** The one scope requested by client credentials: `<app ID URI>/.default`. */
  readonly scope: string;
  /** Unset when no storage setting is present: only a sync needs storage. */
  readonly storage: StorageConfig | undefined;
  readonly syncContainer: string;
  readonly limits: LimitsConfig;
  readonly freshness: FreshnessConfig;
  /** The values of the secret settings, for the runtime's redactor; never shown. */
  readonly secretValues: readonly string[];
}

/** When the stored data counts as stale (GET /api/health). */
export interface FreshnessConfig {
  /** SYNC_SCHEDULE, validated as NCRONTAB, when set. */
  readonly schedule: string | undefined;
  /** SYNC_STALE_AFTER_SECONDS, when set: overrides the threshold derived from the schedule. */
  readonly staleAfterMs: number | undefined;
}

/** Time bounds: every run and every outbound call ends within them. */
export interface LimitsConfig {
  /** SYNC_TIMEOUT_SECONDS: a whole sync. */
  readonly runTimeoutMs: number;
  /** CALL_TIMEOUT_SECONDS: one attempt of an outbound call, or one storage operation. */
  readonly callTimeoutMs: number;
}

export interface AuthorityConfig {
  /** No trailing slash. */
  readonly url: string;
  readonly kind: 'entra' | 'externalId' | 'oidc';
  /** Hosts (with port) MSAL must trust without Microsoft's instance discovery. */
  readonly knownAuthorities: readonly string[];
}

/** Exactly one source of the daemon's credential. */
export type CredentialConfig =
  | { readonly kind: 'clientSecret'; readonly clientSecret: string }
  | {
      readonly kind: 'keyVaultSecret' | 'keyVaultCertificate';
      readonly vaultUrl: string;
      readonly name: string;
      readonly version: string | undefined;
    }
  | { readonly kind: 'managedIdentity' };

export type StorageConfig =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | {
      readonly kind: 'identity';
      readonly blobServiceUri: string;
      /** `managedidentity` selects a managed identity (user-assigned when clientId is set). */
      readonly credential: 'managedidentity' | 'default';
      readonly clientId: string | undefined;
    };
