import type { Logger } from '../logging/logger.js';
import type { SecretVault } from '../vault/secretVault.js';
import type { ExpiryWarnings } from './expiryWarning.js';

/** What a Key Vault credential source needs: the vault, the item, and where to warn. */
export interface VaultSourceOptions {
  readonly vault: SecretVault;
  readonly name: string;
  /** A pinned version, or undefined for the current one. */
  readonly version: string | undefined;
  readonly logger: Logger;
  /** The runtime's warn-once record of expiring credentials. */
  readonly expiryWarnings: ExpiryWarnings;
}
