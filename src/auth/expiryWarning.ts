import type { Logger } from '../logging/logger.js';
import type { Clock } from '../sync/clock.js';

const WARN_WITHIN_MS = 30 * 24 * 60 * 60 * 1000;
/** Per process: a warm instance warns once, not on every run. */
const warned = new Set<string>();

/** Warns (once per process and item) when a credential expires within 30 days. */
export function warnIfExpiringSoon(
  logger: Logger,
  clock: Clock,
  item: { key: string; what: string; expiresOn: Date | undefined },
): void {
  if (!item.expiresOn || warned.has(item.key)) return;
  const left = item.expiresOn.getTime() - clock.now().getTime();
  if (left > WARN_WITHIN_MS) return;
  warned.add(item.key);
  const days = Math.floor(left / (24 * 60 * 60 * 1000));
  logger.warn(
    left <= 0
      ? `${item.what} expired on ${item.expiresOn.toISOString()}: rotate it now`
      : `${item.what} expires in ${days} day(s), on ${item.expiresOn.toISOString()}: rotate it`,
  );
}
