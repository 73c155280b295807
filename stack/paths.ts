// Locates the repository root so the stack finds `.local/` and `node_modules/` the same way
// whether it runs from the TypeScript sources or from the compiled `dist/stack/*.js`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'todo-sync';

function isRepoRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
    return parsed.name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** Walks up from this module until it finds the todo-sync package.json (no fixed depth). */
function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (isRepoRoot(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `cannot find the ${PACKAGE_NAME} repository root above ${fileURLToPath(import.meta.url)}`,
      );
    }
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot();
