// What the Functions host loads: the files package.json `main` names.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files a package.json `main` names, as the host expands it: a file, `dir/*.js`, or
 * `dir/{a.js,sub/*.js}` (each alternative in turn, in the order given).
 */
export function expandMain(root: string, main: string): string[] {
  const braces = /^(.*?)\{([^}]*)\}$/.exec(main);
  const patterns = braces
    ? (braces[2] ?? '').split(',').map((alt) => `${braces[1] ?? ''}${alt}`)
    : [main];
  return patterns.flatMap((pattern) => {
    const glob = /^(.*)\/\*\.js$/.exec(pattern);
    if (!glob?.[1]) return [join(root, pattern)];
    const dir = join(root, glob[1]);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .sort()
      .map((f) => join(dir, f));
  });
}

/** The entry files of the package at `root` (a clone or the deploy package), in load order. */
export function mainEntryFiles(root: string): string[] {
  const { main } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  return expandMain(root, main);
}
