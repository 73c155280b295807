#!/usr/bin/env node
// The `todo-sync` command. `npm run build` bundles it into the file package.json `bin` names,
// with what each op needs in chunks loaded on first use (scripts/package/bundleCli.ts).
import { runCli } from './runCli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

// The answer is out. A normal run has nothing left and exits now; but a dependency may hold a
// socket it cannot cancel (the identity SDK's managed-identity request ignores abort signals),
// and a script or cron job must not hang on it: exit anyway, soon. Unref'd, so it never delays
// a process that has already finished.
setTimeout(() => {
  process.exit();
}, 2_000).unref();
