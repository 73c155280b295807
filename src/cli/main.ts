#!/usr/bin/env node
// The `todo-sync` command. `npm run build` bundles it into the file package.json `bin` names,
// with what each op needs in chunks loaded on first use (scripts/package/bundleCli.ts).
import { setFlagsFromString } from 'node:v8';
import { runCli } from './runCli.js';

// A command lives for a fraction of a second. MSAL's HTTP client (fetch) parses the identity
// provider's answers with llhttp, a WebAssembly module whose hot parser V8 recompiles with
// TurboFan on a background thread, and the process waits for that compilation before it can
// exit: some 30 ms and 30 MB of peak memory per run (bench/README.md) for code no command lives
// long enough to use. WebAssembly stays in V8's baseline compiler (Liftoff) instead, which
// parses a command's few answers just as well; the functions, which live long, keep the default.
// Set before any op loads, so before undici compiles llhttp.
setFlagsFromString('--liftoff-only');

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
