// Preloaded (node --import) into child processes the stack spawns. The parent holds the write end
// of the child's stdin; when the parent dies in any way, even by SIGKILL or a test-runner timeout
// where no 'exit' handler runs, stdin reaches end-of-file and the child exits: no orphans.
const exitWithParent = (): never => process.exit(0);

process.stdin.on('end', exitWithParent);
process.stdin.on('error', exitWithParent);
process.stdin.resume();
// Watching must not keep the child alive once its own work (its server) is done.
process.stdin.unref();
