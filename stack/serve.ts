// `npm run stack`: the local stack on fixed ports until Ctrl+C, with a local.settings.json that
// points `func start` (and the CLI) at it. A local.settings.json the user wrote is never
// overwritten: only one this script wrote itself (marked) is replaced.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startLocalStack } from './localStack.js';
import { REPO_ROOT } from './paths.js';
import { DEFAULT_CA_DIR, ensureLocalCa } from './tls.js';

const SETTINGS_FILE = join(REPO_ROOT, 'local.settings.json');
const MARKER = 'TODO_SYNC_LOCAL_STACK';
/** The tutorial's API port; Azurite's default blob port so UseDevelopmentStorage=true works too. */
const PORTS = { idp: 44300, api: 44351, blob: 10000 };

async function writtenByUs(): Promise<boolean> {
  if (!existsSync(SETTINGS_FILE)) return true;
  try {
    const parsed = JSON.parse(await readFile(SETTINGS_FILE, 'utf8')) as {
      Values?: Record<string, unknown>;
    };
    return parsed.Values?.[MARKER] === 'true';
  } catch {
    return false;
  }
}

const ca = await ensureLocalCa(DEFAULT_CA_DIR);
const stack = await startLocalStack({ ca, ports: PORTS });
const values = {
  [MARKER]: 'true',
  FUNCTIONS_WORKER_RUNTIME: 'node',
  ...stack.settings,
  // func start hands Values to the worker's environment at its start, when Node reads this.
  NODE_EXTRA_CA_CERTS: ca.bundlePath,
};
const out = (text = ''): boolean => process.stdout.write(`${text}\n`);
out(`Local stack running (up in ${(stack.startupMs / 1000).toFixed(1)} s):`);
out(`  identity provider  ${stack.idp.authority}`);
out(`  ToDo API           ${stack.api.endpoint}`);
out(`  Azurite (blobs)    ${stack.azurite.blobEndpoint}`);
if (await writtenByUs()) {
  await writeFile(
    SETTINGS_FILE,
    `${JSON.stringify({ IsEncrypted: false, Values: values }, null, 2)}\n`,
  );
  out(`Wrote ${SETTINGS_FILE} (a new client secret each start).`);
  out('Now, in another terminal: npm start   (needs Azure Functions Core Tools)');
  out(`Or the CLI: NODE_EXTRA_CA_CERTS=${ca.bundlePath} npx todo-sync --op getToDos`);
} else {
  out(`${SETTINGS_FILE} exists and was not written by this script: left as it is.`);
  out('Point it at the stack with these Values (the client secret is new each start):');
  out(JSON.stringify(values, null, 2));
}
out('Ctrl+C stops the stack.');

const stop = (): void => {
  void stack.stop().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
