/**
 * Whether a GET started before the lock may be used: only when the lock shows the stored
 * snapshot is the very version this process last read or wrote. Otherwise another instance has
 * written since, and the early GET may have been answered before that write: its list could be
 * older than the stored one and must not replace it.
 */
export function canUseEarlyFetch(
  knownVersion: string | undefined,
  versionAtLock: string | undefined,
): boolean {
  return (
    knownVersion !== undefined && versionAtLock !== undefined && knownVersion === versionAtLock
  );
}
