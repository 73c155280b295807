// Runs `node --test` (or any command) with a deadline for it and every process under it.
// `--test-timeout` cannot end a test process whose main thread is blocked and which handles
// SIGTERM (its handler never gets to run), and the test runner then waits for it forever; a
// deadline enforced from outside, with SIGKILL to the whole tree, can. The processes stay in the
// caller's process group, so Ctrl-C and whatever ends the caller's group (a CI job's timeout)
// still reach them. The tree is read from /proc: elsewhere the deadline ends the command alone.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';

export interface DeadlineRun {
  readonly exited: Promise<DeadlineExit>;
  readonly signal: (signal: NodeJS.Signals) => void;
}

export interface DeadlineExit {
  /** The command's exit code (128 + the signal's number when a signal ended it). */
  readonly code: number;
  /** The deadline passed: the command and everything under it were killed. */
  readonly timedOut: boolean;
  /** Then: the command lines of the processes under the command, killed with it. */
  readonly ended: readonly string[];
}

export function runWithDeadline(
  command: string,
  args: readonly string[],
  options: {
    readonly env: NodeJS.ProcessEnv;
    readonly deadlineMs: number;
    /** Where the command's output goes: this process's (the default), or nowhere. */
    readonly output?: 'inherit' | 'ignore';
  },
): DeadlineRun {
  const child = spawn(command, args, { env: options.env, stdio: options.output ?? 'inherit' });
  const exited = new Promise<DeadlineExit>((resolve, reject) => {
    let ended: { pid: number; commandLine: string }[] | undefined;
    const timer = setTimeout(() => {
      // Read before any is killed: a killed parent's children move to init and out of reach.
      ended = child.pid === undefined ? [] : descendants(child.pid);
      child.kill('SIGKILL');
      for (const { pid } of ended) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, options.deadlineMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? 128 + (signal === null ? 0 : constants.signals[signal]),
        timedOut: ended !== undefined,
        ended: ended?.map(({ commandLine }) => commandLine) ?? [],
      });
    });
  });
  return {
    exited,
    signal: (signal) => {
      child.kill(signal);
    },
  };
}

/** The live processes under `root` (children, their children, ...), from /proc; else none. */
export function descendants(root: number): { pid: number; commandLine: string }[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the
      // last ')'.
      const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      const siblings = children.get(Number(ppid)) ?? [];
      siblings.push(pid);
      children.set(Number(ppid), siblings);
    } catch {
      // Gone while being read.
    }
  }
  const found: { pid: number; commandLine: string }[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${String(pid)}/cmdline`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .join(' ');
    } catch {
      continue; // Gone while being read.
    }
    found.push({ pid, commandLine });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}
