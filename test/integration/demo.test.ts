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
