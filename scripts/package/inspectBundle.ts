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

/** `node_modules/@scope/name/...` → the package's folder (the innermost node_modules wins). */
function packageDir(input: string): string | undefined {
  const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

function packageName(dir: string): string {
  return dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

export function inspectBundle(metafile: Metafile, entryFile: string): BundleShape {
  const outputs = metafile.outputs;
  if (!(entryFile in outputs)) throw new Error(`${entryFile} is not an output of this bundle`);

  const startFiles = new Set<string>();
  const pending = [entryFile];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (startFiles.has(file)) continue;
    startFiles.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      // `import-statement` is a static import between chunks; dynamic-import ones load later.
      if (imported.kind === 'import-statement' && imported.path in outputs) {
        pending.push(imported.path);
      }
    }
  }

  const packagesIn = (files: Iterable<string>): Set<string> => {
    const names = new Set<string>();
    for (const file of files) {
      for (const input of Object.keys(outputs[file]?.inputs ?? {})) {
        const dir = packageDir(input);
        if (dir) names.add(packageName(dir));
      }
    }
    return names;
  };
  const start = packagesIn(startFiles);
  const all = packagesIn(Object.keys(outputs).filter((f) => !f.endsWith('.map')));

  const copies = new Map<string, string[]>();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageDir(input);
    if (!dir) continue;
    const dirs = copies.get(packageName(dir)) ?? [];
    if (!dirs.includes(dir)) dirs.push(dir);
    copies.set(packageName(dir), dirs);
  }

  return {
    startFiles: [...startFiles].sort(),
    startPackages: [...start].sort(),
    lazyPackages: [...all].filter((name) => !start.has(name)).sort(),
    copies,
  };
}
