import type { CallOptions } from '../core/callOptions.js';

/** A secret as read from Key Vault: the value and what the vault says about it. */
export interface VaultSecret {
  readonly value: string;
  readonly contentType: string | undefined;
  readonly version: string | undefined;
  readonly expiresOn: Date | undefined;
}

/** Reads secrets (and certificates exposed as secrets) from one vault. */
export interface SecretVault {
  readonly vaultUrl: string;
  getSecret(name: string, version?: string, options?: CallOptions): Promise<VaultSecret>;
}
