import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

export type CliCommand =
  | { op: 'help' }
  | { op: 'getToDos'; verbose: boolean }
  | { op: 'addToDo'; verbose: boolean; description: string; owner: string | undefined }
  | { op: 'sync'; verbose: boolean };

export const USAGE = `Usage: todo-sync --op <operation> [options]

Operations (as in Microsoft's Node.js daemon tutorial, plus sync):
  --op getToDos                          print the API's todo list as JSON
  --op addToDo --description "text"      add a todo and print it (needs ToDoList.ReadWrite.All)
               [--owner <GUID>]          the owner's object ID (without it, an app's todo
                                         gets the empty GUID from Microsoft's ToDoListAPI)
  --op sync                              run one sync (as the functions do) and print its summary

Options:
  --verbose   log progress (to stderr)
  --help      show this help

Settings come from the environment and, when present, local.settings.json "Values" in the
current directory (the environment wins). Exit codes: 0 ok, 2 bad settings or arguments
(nothing was sent), 1 a server refused or failed.`;

const OPS = ['getToDos', 'addToDo', 'sync'] as const;

/**
 * A GUID as Microsoft's ToDoListAPI reads `owner` (System.Text.Json's Guid, "D" format): any
 * other value is a 400 from the API, so it is refused here before anything is sent.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseCliArgs(argv: readonly string[]): CliCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        op: { type: 'string' },
        description: { type: 'string' },
        owner: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : 'bad arguments'}\n\n${USAGE}`);
  }
  if (values.help) return { op: 'help' };
  if (values.op === undefined) throw new UsageError(`--op is required.\n\n${USAGE}`);
  const op = OPS.find((o) => o.toLowerCase() === values.op?.toLowerCase());
  if (!op) {
    throw new UsageError(`unknown --op "${values.op}": use one of ${OPS.join(', ')}.\n\n${USAGE}`);
  }
  const verbose = values.verbose;
  if (op === 'addToDo') {
    const description = values.description?.trim();
    if (!description) throw new UsageError('--op addToDo needs --description "text".');
    const owner = values.owner?.trim();
    if (owner !== undefined && !GUID.test(owner)) {
      // The value is not repeated: whatever was typed there stays out of the output.
      throw new UsageError(
        "--owner must be a GUID, the owner's object ID in the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits); or leave it out.",
      );
    }
    return { op, verbose, description, owner };
  }
  if (values.description !== undefined || values.owner !== undefined) {
    throw new UsageError(`--description and --owner go with --op addToDo only.`);
  }
  return { op, verbose };
}
