import { parseJsonBytes } from '../core/jsonBody.js';
import { parseTodoList } from '../core/todo.js';
import { StorageError } from '../errors.js';
import { bodyDigest } from '../core/bodyDigest.js';
import type { Snapshot } from '../core/syncRecords.js';

/**
 * How a snapshot is stored. The blob is the API's body byte for byte, so writing it costs no
 * JSON.stringify and anyone can read it as the list itself; the run that wrote it goes in the
 * blob's metadata (names are lower case: Storage does not keep their case everywhere).
 *
 * Format 1 (before the body was kept as sent) was one JSON document
 * `{schemaVersion: 1, runId, syncedAt, count, todos}`; it is still read, and the next change
 * rewrites it in format 2.
 */
export const SNAPSHOT_FORMAT = '2';

export function snapshotMetadata(snapshot: Snapshot): Record<string, string> {
  return {
    snapshotformat: SNAPSHOT_FORMAT,
    runid: snapshot.runId,
    syncedat: snapshot.syncedAt,
    count: String(snapshot.count),
  };
}

/**
 * Decodes a stored snapshot: undefined for the empty blob the first run creates to hold the
 * lock; a blob that is not a snapshot is reported as corrupt, never used.
 */
export function decodeSnapshot(
  name: string,
  body: Buffer,
  metadata: Readonly<Record<string, string>> | undefined,
): Snapshot | undefined {
  if (body.length === 0) return undefined;
  const corrupt = (why: string) =>
    new StorageError(`Blob Storage holds a corrupt ${name}: ${why}. Delete it to start afresh.`);
  let parsed: unknown;
  try {
    parsed = parseJsonBytes(body);
  } catch {
    throw corrupt('it is not valid JSON');
  }
  const format1 = metadata?.snapshotformat === undefined && isFormat1(parsed) ? parsed : undefined;
  const list = parseTodoList(format1 ? format1.todos : parsed);
  if (!list.ok) throw corrupt(`it is not a todo list (${list.problem})`);
  return {
    runId: format1?.runId ?? metadata?.runid ?? '',
    syncedAt: format1?.syncedAt ?? metadata?.syncedat ?? '',
    count: list.todos.length,
    // A format 1 document is never byte for byte an API body: its first changed or unchanged
    // list is parsed and compared, and rewrites it in format 2.
    digest: bodyDigest(body),
    todos: list.todos,
  };
}

function isFormat1(
  value: unknown,
): value is { schemaVersion: 1; runId: string; syncedAt: string; todos: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const doc = value as Record<string, unknown>;
  return (
    doc.schemaVersion === 1 && typeof doc.runId === 'string' && typeof doc.syncedAt === 'string'
  );
}
