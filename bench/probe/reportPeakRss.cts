// Preloaded (`node --require`) into every process the CLI bench times, the product's and the
// baselines' alike: as the process exits, it writes its peak resident set size in bytes
// (getrusage's maxrss) to file descriptor 3, a pipe the bench reads. CommonJS, so that it adds
// no ES module loader to a CommonJS baseline.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, see above */
import fs = require('node:fs');

process.on('exit', () => {
  fs.writeSync(3, String(process.resourceUsage().maxRSS * 1024));
});
