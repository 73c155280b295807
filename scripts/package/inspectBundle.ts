import type { Metafile } from 'esbuild';

/** What a bundle holds, read from esbuild's metafile. */
export interface BundleShape {
  /** Output files (no .map) evaluated when the entry is imported: its static import closure. */
  readonly startFiles: readonly string[];
  /** npm packages with code in those files, e.g. `@azure/msal-node`. */
  readonly startPackages: readonly string[];
  /** npm packages that are only in lazily imported chunks. */
  readonly lazyPackages: readonly string[];
  /** For each bundled package name, the folders it came from: more than one is a duplicate. */
  readonly copies: ReadonlyMap<string, readonly string[]>;
}

/** What importing one output file evaluates: the file and the chunks it imports statically. */
export interface Closure {
  /** Output files (no .map), sorted. */
  readonly files: readonly string[];
  /** Their size in bytes. */
  readonly bytes: number;
  /** npm packages with code in them, sorted. */
  readonly packages: readonly string[];
}

/** `node_modules/@scope/name/...` → the package's folder (the innermost node_modules wins). */
function packageDir(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

function packageName(dir: string): string {
  return dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** npm packages with code in `files` (output files of `metafile`). */
export function packagesIn(metafile: Metafile, files: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const input of Object.keys(metafile.outputs[file]?.inputs ?? {})) {
      const dir = packageDir(input);
      if (dir) names.add(packageName(dir));
    }
  }
  return names;
}

/** The static import closure of the output file `file`: what importing it evaluates. */
export function staticClosure(metafile: Metafile, file: string): Closure {
  const outputs = metafile.outputs;
  if (!(file in outputs)) throw new Error(`${file} is not an output of this bundle`);
  const files = new Set<string>();
  const pending = [file];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (files.has(next)) continue;
    files.add(next);
    for (const imported of outputs[next]?.imports ?? []) {
      // `import-statement` is a static import between chunks; dynamic-import ones load later.
      if (imported.kind === 'import-statement' && imported.path in outputs) {
        pending.push(imported.path);
      }
    }
  }
  let bytes = 0;
  for (const f of files) bytes += outputs[f]?.bytes ?? 0;
  return {
    files: [...files].sort(),
    bytes,
    packages: [...packagesIn(metafile, files)].sort(),
  };
}

/**
 * The output file (entry or chunk) that starts at a source module, e.g. `src/cli/main.ts`;
 * undefined when the module has none of its own (nothing imports it with `import()`).
 */
export function outputOf(metafile: Metafile, sourceFile: string): string | undefined {
  return Object.entries(metafile.outputs).find(([, o]) => o.entryPoint === sourceFile)?.[0];
}

export function inspectBundle(metafile: Metafile, entryFile: string): BundleShape {
  const start = staticClosure(metafile, entryFile);
  const all = packagesIn(
    metafile,
    Object.keys(metafile.outputs).filter((f) => !f.endsWith('.map')),
  );

  const copies = new Map<string, string[]>();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDir(input);
    if (!dir) continue;
    const dirs = copies.get(packageName(dir)) ?? [];
    if (!dirs.includes(dir)) dirs.push(dir);
    copies.set(packageName(dir), dirs);
  }

  return {
    startFiles: start.files,
    startPackages: start.packages,
    lazyPackages: [...all].filter((name) => !start.packages.includes(name)).sort(),
    copies,
  };
}
