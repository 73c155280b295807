import type { Clock } from '../core/clock.js';
import type { Logger } from '../logging/logger.js';

const WARN_WITHIN_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Warns when a credential expires within 30 days, once per item for the life of its owner (the
 * runtime, so a warm instance warns once, not on every run).
 */
export class ExpiryWarnings {
  private readonly warned = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  check(item: { key: string; what: string; expiresOn: Date | undefined }): void {
    if (!item.expiresOn || this.warned.has(item.key)) return;
    const left = item.expiresOn.getTime() - this.clock.now().getTime();
    if (left > WARN_WITHIN_MS) return;
    this.warned.add(item.key);
    const days = Math.floor(left / (24 * 60 * 60 * 1000));
    this.logger.warn(
      left <= 0
        ? `${item.what} expired on ${item.expiresOn.toISOString()}: rotate it now`
        : `${item.what} expires in ${days.toString()} day(s), on ${item.expiresOn.toISOString()}: rotate it`,
    );
  }
}
