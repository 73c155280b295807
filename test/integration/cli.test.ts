import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BlobServiceClient } from '@azure/storage-blob';
import { BLOB_NAMES } from '../../src/store/blobSyncStore.js';
import type { LocalStack } from '../../stack/localStack.js';
import { cliBaseEnv, runCliProcess } from '../support/runCliProcess.js';
import { startTestStack } from '../support/stackForTests.js';

let stack: LocalStack;
let cwd: string;

function cli(args: string[], settings: Record<string, string | undefined> = stack.settings) {
  return runCliProcess(args, { env: { ...cliBaseEnv(), ...settings }, cwd });
}

describe('CLI, parity with the tutorial', () => {
  before(async () => {
    stack = await startTestStack();
    cwd = await mkdtemp(join(tmpdir(), 'todo-sync-cli-'));
  });
  after(async () => {
    await stack.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('--op getToDos prints exactly the API list as JSON on stdout', async () => {
    const run = await cli(['--op', 'getToDos']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), stack.api.todos());
    assert.equal(run.stderr, '');
  });

  it('--op addToDo prints the created todo', async () => {
    const before = stack.api.todos().length;
    const run = await cli(['--op', 'addToDo', '--description', 'Buy milk']);
    assert.equal(run.code, 0, run.stderr);
    const created = JSON.parse(run.stdout) as { id: unknown; description: string };
    assert.equal(created.description, 'Buy milk');
    assert.equal(typeof created.id, 'number');
    assert.equal(stack.api.todos().length, before + 1);
    stack.api.setTodos(stack.api.todos().filter((t) => t.id !== created.id));
  });

  it('--op sync prints the summary of the same sync the functions run', async () => {
    const run = await cli(['--op', 'sync', '--verbose'], {
      ...stack.settings,
      SYNC_CONTAINER: 'cli',
    });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { trigger: string; count: number };
    assert.equal(summary.trigger, 'cli');
    assert.equal(summary.count, stack.api.todos().length);
    assert.match(run.stderr, /token acquired from identity provider/);
  });

  it('reads local.settings.json Values, and the environment wins', async () => {
    await writeFile(
      join(cwd, 'local.settings.json'),
      JSON.stringify({
        IsEncrypted: false,
        Values: { ...stack.settings, CLIENT_SECRET: 'wrong-secret-from-file' },
      }),
    );
    try {
      const fromFile = await cli(['--op', 'getToDos'], {});
      assert.equal(fromFile.code, 1);
      assert.match(fromFile.stderr, /invalid_client/);
      const envWins = await cli(['--op', 'getToDos'], {
        CLIENT_SECRET: stack.settings.CLIENT_SECRET,
      });
      assert.equal(envWins.code, 0, envWins.stderr);
    } finally {
      await rm(join(cwd, 'local.settings.json'));
    }
  });

  it('exits 1 with an actionable message when the secret is wrong', async () => {
    const run = await cli(['--op', 'getToDos'], {
      ...stack.settings,
      CLIENT_SECRET: 'not-the-secret-1',
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /invalid_client/);
    assert.match(run.stderr, /CLIENT_ID and the secret/);
    assert.ok(!run.stderr.includes('not-the-secret-1'));
    assert.equal(run.stdout, '');
  });

  it('exits 2 before any network call for a placeholder or a bad argument', async () => {
    const tokens = stack.idp.tokenRequests();
    const calls = stack.api.requests().length;
    const placeholder = await cli(['--op', 'getToDos'], {
      ...stack.settings,
      CLIENT_ID: 'Enter_the_Application_Id_Here',
    });
    assert.equal(placeholder.code, 2);
    assert.match(placeholder.stderr, /CLIENT_ID still holds a placeholder/);
    const unknown = await cli(['--op', 'deleteEverything']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown --op "deleteEverything"/);
    const badOwner = await cli(['--op', 'addToDo', '--description', 'x', '--owner', 'me@x']);
    assert.equal(badOwner.code, 2);
    assert.match(
      badOwner.stderr,
      /--owner must be a GUID, the owner's object ID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/,
    );
    assert.ok(!badOwner.stderr.includes('me@x'), 'the value typed is not echoed');
    assert.equal(stack.idp.tokenRequests(), tokens);
    assert.equal(stack.api.requests().length, calls);
  });

  it('refuses a password in API_ENDPOINT by name, exit 2, and prints it nowhere', async () => {
    const password = 'url-pa55word-42';
    const calls = stack.api.requests().length;
    const endpoint = new URL(stack.api.endpoint);
    endpoint.username = 'daemon';
    endpoint.password = password;
    const run = await cli(['--op', 'getToDos', '--verbose'], {
      ...stack.settings,
      API_ENDPOINT: endpoint.toString(),
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /API_ENDPOINT has a user name or password in it/);
    assert.ok(!`${run.stdout}${run.stderr}`.includes(password), run.stderr);
    assert.equal(stack.api.requests().length, calls);
  });

  it('exits 2 for a CLIENT_ID that is not a GUID, before asking the IdP', async () => {
    const tokens = stack.idp.tokenRequests();
    const run = await cli(['--op', 'getToDos'], {
      ...stack.settings,
      CLIENT_ID: 'todo-sync-daemon',
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /CLIENT_ID must be a GUID \("todo-sync-daemon"\)/);
    assert.equal(stack.idp.tokenRequests(), tokens);
  });

  it('--op sync reports a missing storage together with every other problem', async () => {
    const { AzureWebJobsStorage: _omit, ...noStorage } = stack.settings;
    const run = await cli(['--op', 'sync'], {
      ...noStorage,
      CLIENT_ID: 'Enter_the_Application_Id_Here',
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /CLIENT_ID still holds a placeholder/);
    assert.match(run.stderr, /AzureWebJobsStorage is not set/);
    // getToDos needs no storage.
    const list = await cli(['--op', 'getToDos'], noStorage);
    assert.equal(list.code, 0, list.stderr);
  });

  it('names the permission a write needs when the app lacks it', async () => {
    stack.idp.setRoles(stack.clientId, ['ToDoList.Read.All']);
    try {
      const run = await cli(['--op', 'addToDo', '--description', 'nope']);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /403 Forbidden: the app needs the application permission ToDoList\.ReadWrite\.All/,
      );
      const read = await cli(['--op', 'getToDos']);
      assert.equal(read.code, 0, read.stderr);
    } finally {
      stack.idp.setRoles(stack.clientId, ['ToDoList.Read.All', 'ToDoList.ReadWrite.All']);
    }
  });

  it('--owner sends the GUID given; without it the API stores the empty GUID', async () => {
    const owner = '9b0e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4';
    const run = await cli(['--op', 'addToDo', '--description', 'Owned', '--owner', owner]);
    assert.equal(run.code, 0, run.stderr);
    const created = JSON.parse(run.stdout) as { id: number; owner: string };
    assert.equal(created.owner, owner);
    const plain = await cli(['--op', 'addToDo', '--description', 'Unowned']);
    assert.equal(plain.code, 0, plain.stderr);
    const unowned = JSON.parse(plain.stdout) as { id: number; owner: string };
    assert.equal(unowned.owner, '00000000-0000-0000-0000-000000000000');
    stack.api.setTodos(stack.api.todos().filter((t) => t.id !== created.id && t.id !== unowned.id));
  });

  it('without any granted permission (no admin consent) names the permission and admin consent', async () => {
    stack.idp.setRoles(stack.clientId, []);
    try {
      const calls = stack.api.requests().length;
      const read = await cli(['--op', 'getToDos']);
      assert.equal(read.code, 1);
      assert.match(
        read.stderr,
        /401 even after a fresh token \(GET https:\/\/127\.0\.0\.1:\d+\/api\/todolist\): the token carries neither roles nor scp, so the app has no application permission on this API\. Add the application permission ToDoList\.Read\.All \(or ToDoList\.ReadWrite\.All\) to the daemon's app registration and grant admin consent for it\./,
      );
      assert.doesNotMatch(read.stderr, /SCOPES|AUTHORITY/);
      // The cached token was refused, a fresh one fetched and refused too: two calls.
      const sent = stack.api.requests().slice(calls);
      assert.deepEqual(
        sent.map((r) => r.status),
        [401, 401],
      );
      assert.notEqual(sent[0]?.authorization, sent[1]?.authorization);

      const write = await cli(['--op', 'addToDo', '--description', 'nope']);
      assert.equal(write.code, 1);
      assert.match(
        write.stderr,
        /Add the application permission ToDoList\.ReadWrite\.All to the daemon's app registration and grant admin consent for it\./,
      );
    } finally {
      stack.idp.setRoles(stack.clientId, ['ToDoList.Read.All', 'ToDoList.ReadWrite.All']);
    }
  });

  it('a 401 for a token that does carry roles keeps pointing at SCOPES and AUTHORITY', async () => {
    stack.api.faults.next({ kind: 'unauthorized', method: 'GET', count: 2 });
    const run = await cli(['--op', 'getToDos']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /401 even after a fresh token .*check that SCOPES is this API's application ID URI and AUTHORITY/,
    );
    assert.doesNotMatch(run.stderr, /admin consent/);
  });

  it("shows the API's problem details (title, field errors, traceId), redacted and capped", async () => {
    const traceId = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    const planted = stack.idp.issuedTokens()[0] ?? 'no-token-issued-yet';
    stack.api.faults.next({
      kind: 'status',
      status: 400,
      method: 'POST',
      problem: {
        title: 'One or more validation errors occurred.',
        detail: `echoed Authorization: Bearer ${planted}\nforged: log line`,
        errors: { '$.owner': ['The JSON value could not be converted to System.Guid.'] },
        traceId,
      },
    });
    const run = await cli(['--op', 'addToDo', '--description', 'x']);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /The API failed POST \S+ with 400 Bad Request\. The API said \(traceId 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\): One or more validation errors occurred\. echoed Authorization: Bearer \[REDACTED JWT\] forged: log line\. \$\.owner: The JSON value could not be converted to System\.Guid\. \(request-id [0-9a-f-]{36}\)/,
    );
    assert.ok(!run.stderr.includes(planted), 'a token the API echoes is redacted');

    stack.api.faults.next({
      kind: 'status',
      status: 404,
      method: 'GET',
      problem: { detail: 'x'.repeat(10_000) },
    });
    const long = await cli(['--op', 'getToDos']);
    assert.equal(long.code, 1);
    const said = /The API said .*?…/.exec(long.stderr)?.[0] ?? '';
    assert.equal(said.length, 1024, 'the problem is capped at 1024 characters');
    assert.ok(long.stderr.length < 2048);
  });

  it('exits 1 saying another sync is running when the lock is held', async () => {
    const settings = { ...stack.settings, SYNC_CONTAINER: 'cli-locked' };
    assert.equal((await cli(['--op', 'sync'], settings)).code, 0);
    const lease = BlobServiceClient.fromConnectionString(stack.settings.AzureWebJobsStorage ?? '')
      .getContainerClient('cli-locked')
      .getBlobClient(BLOB_NAMES.snapshot)
      .getBlobLeaseClient();
    await lease.acquireLease(15);
    try {
      const run = await cli(['--op', 'sync'], settings);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /another sync is running/);
      // A run that was killed never finishes: say when its lock frees itself.
      assert.match(run.stderr, /expires by itself within 60 s/);
    } finally {
      await lease.releaseLease();
    }
  });

  it('--help prints usage and exits 0', async () => {
    const run = await cli(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--op getToDos/);
  });
});
