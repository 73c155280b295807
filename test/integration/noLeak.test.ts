import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AccountSASPermissions,
  AccountSASResourceTypes,
  AccountSASServices,
  BlobServiceClient,
  generateAccountSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { emulateFunctionsHost } from '../../stack/functionsHost.js';
import type { LocalStack } from '../../stack/localStack.js';
import { captureStderr, findLeaks, syncRequest } from '../support/capture.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack } from '../support/stackForTests.js';

/**
 * Runs the paths that handle credentials (success, refusals, failures, storage by key and by
 * SAS) and checks that no token, client secret, storage key, SAS or connection string appears
 * in anything a person could see: CLI output, function logs, HTTP responses, process stderr,
 * the run records written to storage, and every byte of telemetry exported (the CLI and the
 * functions export to the stack's OTLP receiver here).
 */
let stack: LocalStack;
let cwd: string;
const seen: string[] = [];
let restoreStderr: () => void;

function sasConnectionString(): { connectionString: string; sas: string } {
  const { azurite } = stack;
  const sas = generateAccountSASQueryParameters(
    {
      expiresOn: new Date(Date.now() + 3_600_000),
      permissions: AccountSASPermissions.parse('rwdlac'),
      resourceTypes: AccountSASResourceTypes.parse('sco').toString(),
      services: AccountSASServices.parse('b').toString(),
    },
    new StorageSharedKeyCredential('devstoreaccount1', azurite.accountKey),
  ).toString();
  return {
    connectionString: `BlobEndpoint=${azurite.blobEndpoint};SharedAccessSignature=${sas}`,
    sas,
  };
}

async function cli(args: string[], settings: Record<string, string | undefined>): Promise<void> {
  const run = await runCliProcess([...args, '--verbose'], {
    env: {
      ...cliBaseEnv(),
      ...stack.otlp.settings,
      ...settings,
    },
    cwd,
  });
  seen.push(run.stdout, run.stderr);
}

describe('no secret in any output', () => {
  before(async () => {
    stack = await startTestStack();
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-leak-'));
    restoreStderr = captureStderr(seen);
  });
  after(async () => {
    restoreStderr();
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('holds across CLI, handlers, errors and stored records', async () => {
    const settings = { ...stack.settings, SYNC_CONTAINER: 'leak' };
    const { connectionString: sasString, sas } = sasConnectionString();

    // CLI: success, refusals and failures.
    await cli(['--op', 'getToDos'], settings);
    await cli(['--op', 'sync'], settings);
    await cli(['--op', 'sync'], {
      ...settings,
      AzureWebJobsStorage: sasString,
      SYNC_CONTAINER: 'leak-sas',
    });
    await cli(['--op', 'getToDos'], { ...settings, CLIENT_SECRET: 'wrong-but-still-secret' });
    await cli(['--op', 'sync'], {
      ...settings,
      AzureWebJobsStorage: stack.settings.AzureWebJobsStorage?.replace(
        /BlobEndpoint=[^;]+/,
        'BlobEndpoint=http://127.0.0.1:9/devstoreaccount1',
      ),
    });
    stack.idp.setRoles(stack.clientId, ['ToDoList.Read.All']);
    await cli(['--op', 'addToDo', '--description', 'x'], settings);
    // No permission granted at all: the message is built from the token's claims.
    stack.idp.setRoles(stack.clientId, []);
    await cli(['--op', 'getToDos'], settings);
    stack.idp.setRoles(stack.clientId, ['ToDoList.Read.All', 'ToDoList.ReadWrite.All']);
    stack.api.faults.next({ kind: 'malformed', method: 'GET' });
    await cli(['--op', 'sync'], settings);
    stack.api.faults.next({ kind: 'unauthorized', method: 'GET', count: 2 });
    await cli(['--op', 'getToDos'], settings);

    // Handlers: success, API failure, token failure; logs and response bodies.
    // Loaded as the host loads them (the entry module first), exporting to the receiver.
    Object.assign(process.env, settings, stack.otlp.settings);
    const host = emulateFunctionsHost();
    await import('../../src/index.js');
    await import('../../src/functions/syncTodos.js');
    const call = async (method: 'GET' | 'POST') => {
      const lines: string[] = [];
      const run = await host.invoke('syncTodos', syncRequest(method), lines);
      const response = run.result as { jsonBody?: unknown; body?: unknown };
      seen.push(
        ...lines,
        JSON.stringify(response.jsonBody ?? null),
        typeof response.body === 'string' ? response.body : '',
      );
    };
    await call('POST');
    // An API that echoes a token and the secret in its problem details: its words reach the
    // response, the logs and the stored failure record, redacted.
    stack.api.faults.next({
      kind: 'status',
      status: 400,
      method: 'GET',
      // The secret first: the 1 KB cap would cut a whole token short of what findLeaks sees.
      problem: { detail: `echo ${stack.clientSecret} ${stack.idp.issuedTokens().at(-1) ?? ''}` },
    });
    await call('POST');
    stack.api.faults.next({ kind: 'status', status: 500, count: 4, method: 'GET' });
    await call('POST');
    stack.api.faults.next({ kind: 'unauthorized', method: 'GET' });
    stack.idp.failNextTokenRequests(1, 500);
    await call('POST');
    await call('GET');

    // Everything stored in the sync containers (run records carry error messages).
    const blobs = BlobServiceClient.fromConnectionString(stack.settings.AzureWebJobsStorage ?? '');
    for (const container of ['leak', 'leak-sas']) {
      const client = blobs.getContainerClient(container);
      for await (const blob of client.listBlobsFlat()) {
        seen.push((await client.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
      }
    }

    // Every byte of telemetry the CLI processes and the functions exported.
    const exported = stack.otlp.rawBodies();
    assert.ok(
      exported.some((body) => body.includes('"todo-sync.sync"')) &&
        exported.some((body) => body.includes('todo_sync.runs')) &&
        exported.some((body) => body.includes('sync started')),
      'spans, metrics and log records were exported',
    );
    seen.push(...exported);

    const secrets = [
      stack.clientSecret,
      'wrong-but-still-secret',
      stack.azurite.accountKey,
      stack.settings.AzureWebJobsStorage ?? '',
      sasString,
      sas,
      new URLSearchParams(sas).get('sig') ?? '',
      ...stack.idp.issuedTokens(),
    ];
    assert.ok(stack.idp.issuedTokens().length >= 3, 'the scenarios did get tokens');
    assert.ok(
      seen.some((t) => t.includes('invalid_client')),
      'the failures were captured',
    );
    assert.ok(
      seen.some((t) => t.includes('token acquired')),
      'the logs were captured',
    );
    assert.ok(
      seen.some((t) => t.includes('grant admin consent')),
      'the no-consent path was captured',
    );
    assert.ok(
      seen.some((t) => t.includes('"code":"api"') && t.includes('The API said')),
      "a stored record holds the API's problem details",
    );
    assert.deepEqual(findLeaks(seen, secrets), []);
  });
});
