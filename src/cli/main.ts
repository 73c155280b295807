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
