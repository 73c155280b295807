import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runNodeScript } from '../../stack/runNodeScript.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('npm run demo', () => {
  it('prints the three seeded todos and a sync summary, as the README says', async () => {
    const run = await runNodeScript(join(root, 'dist', 'stack', 'demo.js'), [], {
      env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS },
      cwd: root,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Credential: certificate \(PEM\) from Key Vault/m);
    for (const todo of [
      'Pick up groceries',
      'Finish the quarterly report',
      'Book a dentist appointment',
    ]) {
      assert.ok(run.stdout.includes(todo), todo);
    }
    assert.match(run.stdout, /^POST \/api\/sync \(function syncTodos\) -> 200$/m);
    assert.match(run.stdout, /"count": 3/);
    assert.match(run.stdout, /timer sync done .* added=0 removed=0 changed=0/);
    // The manual sync's trace, as the stack's OTLP receiver got it: the run under the host's
    // invocation span, the token (from the identity provider, through the vault) and the API
    // call under the run, and the storage operations' own spans.
    assert.match(
      run.stdout,
      /^ {2}todo-sync\.sync [\d.]+ ms {2}todo_sync\.trigger=http todo_sync\.lock=acquired todo_sync\.count=3 todo_sync\.added=3 /m,
    );
    assert.match(run.stdout, /^ {4}todo-sync\.token [\d.]+ ms {2}todo_sync\.token\.source=idp$/m);
    assert.match(
      run.stdout,
      /^ {6}POST [\d.]+ ms {2}url\.full=https:\/\/127\.0\.0\.1:\d+\/[^ ]+\/v2\.0\/token http\.response\.status_code=200$/m,
    );
    assert.match(
      run.stdout,
      /^ {4}GET [\d.]+ ms {2}url\.full=https:\/\/127\.0\.0\.1:\d+\/api\/todolist http\.response\.status_code=200$/m,
    );
    assert.match(run.stdout, /^ {4}BlockBlobClient-upload [\d.]+ ms$/m);
    assert.doesNotMatch(run.stdout, /url=[^ ]*\?/, 'no query string in a URL attribute');
    // The timer's log lines the README's quick start shows, in the order it shows them.
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const shown = [...readme.matchAll(/^ {2}\[information\] ([a-z][a-z ]*[a-z])(?= |$)/gm)].map(
      (m) => `[information] ${m[1] ?? ''}`,
    );
    assert.ok(shown.length >= 4, `the README shows the timer's log (${shown.length} lines)`);
    const at = shown.map((line) => run.stdout.indexOf(line));
    assert.ok(
      at.every((index, i) => index >= 0 && (i === 0 || index > (at[i - 1] ?? -1))),
      `the demo prints ${shown.join(', ')} in that order:\n${run.stdout}`,
    );
  });
});
