import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** A fixed timestamp: the same files give the same zip, whatever their mtimes. */
const ENTRY_TIME = new Date('2000-01-01T00:00:00Z');

/** Every file below `dir`, recursively, except inside folders named in `skip`. */
export async function listFiles(dir: string, skip: readonly string[] = []): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.includes(entry.name)) files.push(...(await listFiles(path, skip)));
    } else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * Zips `files` (absolute paths) under their names relative to `root`, sorted, in process.
 * Returns the zip's size in bytes.
 */
export async function zipFiles(
  root: string,
  files: readonly string[],
  zipFile: string,
): Promise<number> {
  const zip = new ZipFile();
  const written = pipeline(zip.outputStream, createWriteStream(zipFile));
  const named = files.map((path) => ({ path, name: relative(root, path).split(sep).join('/') }));
  named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { path, name } of named) {
    zip.addBuffer(await readFile(path), name, { mtime: ENTRY_TIME, mode: 0o100644 });
  }
  zip.end();
  await written;
  return (await stat(zipFile)).size;
}

/** Zips every file under `dir` into `zipFile`; returns the zip's size in bytes. */
export async function zipDirectory(dir: string, zipFile: string): Promise<number> {
  return zipFiles(dir, await listFiles(dir), zipFile);
}
