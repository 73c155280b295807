import type { Logger } from '../logging/logger.js';
import type { Clock } from '../sync/clock.js';
import type { SecretVault } from '../vault/secretVault.js';

/** What a Key Vault credential source needs: the vault, the item, and where to warn. */
export interface VaultSourceOptions {
  readonly vault: SecretVault;
  readonly name: string;
  /** A pinned version, or undefined for the current one. */
  readonly version: string | undefined;
  readonly logger: Logger;
  readonly clock: Clock;
}
