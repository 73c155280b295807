import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `…/index.js:2:1234` or `…/chunks/chunk-X.js:1:99`, with or without file://. */
const FRAME = /(?:file:\/\/)?[^\s()]*?((?:chunks\/)?[\w.-]+\.js):(\d+):(\d+)/g;

/**
 * Rewrites the bundle's frames in a stack trace (`/home/site/wwwroot/index.js:2:1234`) to the
 * TypeScript source they came from (`src/config/loadConfig.ts:375:71`), with the .map files
 * of the same build in `appDir`. Frames it cannot map are left as they are.
 */
export function mapStackTrace(trace: string, appDir: string, sourceRoot: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  const mapFor = (file: string): SourceMap | undefined => {
    if (!maps.has(file)) {
      const path = join(appDir, `${file}.map`);
      maps.set(
        file,
        existsSync(path)
          ? new SourceMap(
              JSON.parse(readFileSync(path, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
            )
          : undefined,
      );
    }
    return maps.get(file);
  };
  return trace.replace(FRAME, (frame, file: string, line: string, column: string) => {
    const entry = mapFor(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry)) return frame;
    const source = entry.originalSource.startsWith('file:')
      ? fileURLToPath(entry.originalSource)
      : entry.originalSource;
    const absolute = isAbsolute(source) ? source : resolve(appDir, source);
    return `${relative(sourceRoot, absolute)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
