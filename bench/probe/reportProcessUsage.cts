// Preloaded (`node --require`) into every process the CLI bench times, the product's and the
// baselines' alike: as the process exits, it writes its peak resident set size in bytes and the
// CPU time it used in microseconds to file descriptor 3, a pipe the bench reads. The peak is
// VmHWM from /proc/self/status, the high-water mark of this program's own memory. Not
// getrusage's maxrss: Linux carries into it the size of the process that forked this one (the
// bench, with its local stack and whatever earlier scenarios left in it), which would hide the
// figure under the bench's own size. CommonJS, so that it adds no ES module loader to a
// CommonJS baseline.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, see above */
import fs = require('node:fs');

function peakRssBytes(): number {
  try {
    const match = /^VmHWM:\s*(\d+)\s*kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // No procfs (not Linux): getrusage's figure, with the caveat above.
  }
  return process.resourceUsage().maxRSS * 1024;
}

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  fs.writeSync(3, `${peakRssBytes()} ${user + system}`);
});
