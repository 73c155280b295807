import { createHash } from 'node:crypto';

/**
 * The digest that tells an unchanged list from a changed one. Two bodies with the same
 * SHA-256 are the same bytes, so a list whose digest matches the snapshot's needs no parse,
 * no validation and no diff (about 0.8 ms for 1 MB, against 6 ms to parse it).
 */
export function bodyDigest(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64');
}
