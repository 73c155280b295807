// `npm test`: makes sure the local CA exists, then runs the compiled tests in a fresh Node process
// that trusts it. NODE_EXTRA_CA_CERTS is read once at process start, so it must be set here,
// before the test process exists, and never inside a test.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CA_DIR, ensureLocalCa } from '../../stack/tls.js';

/** dist/test: this file is dist/test/support/runTests.js. */
const TEST_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Every *.test.js below `dir`, sorted: explicit paths, because Node 20 and 22 glob differently. */
function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

async function main(): Promise<number> {
  const ca = await ensureLocalCa(DEFAULT_CA_DIR);
  const filters = process.argv.slice(2);
  const files = findTestFiles(TEST_ROOT).filter((file) => {
    const name = relative(TEST_ROOT, file).split(sep).join('/');
    return filters.length === 0 || filters.some((f) => name.includes(f));
  });
  if (files.length === 0) {
    process.stderr.write(`no test file under ${TEST_ROOT} matches ${filters.join(', ')}\n`);
    return 1;
  }

  const child = spawn(process.execPath, ['--test', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.bundlePath, TODO_SYNC_CA_DIR: ca.dir },
  });
  // Ctrl-C reaches the child from the terminal itself: the runner just waits for its verdict.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => {
    child.kill('SIGTERM');
  });
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}

process.exitCode = await main();
