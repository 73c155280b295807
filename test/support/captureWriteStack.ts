// A preload (`node --import <this file's URL>`): the first time the program writes to stdout,
// the stack of that call goes to stderr, so a test sees how the program's frames are printed.
const write = process.stdout.write.bind(process.stdout);
let captured = false;
process.stdout.write = ((...args: Parameters<typeof write>) => {
  if (!captured) {
    captured = true;
    process.stderr.write(`${new Error('stdout written').stack ?? ''}\n`);
  }
  return write(...args);
}) as typeof process.stdout.write;
