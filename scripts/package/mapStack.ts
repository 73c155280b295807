// `npm run map-stack [app folder] < trace.txt`: prints a stack trace from the deployed bundle
// with its frames mapped to the TypeScript sources. The app folder (default: the one the last
// `npm run package` built) must hold the .map files of the build that produced the trace,
// e.g. the deployed zip, unpacked; for a trace of the todo-sync command, `dist/bin`.
import { text } from 'node:stream/consumers';
import { mapStackTrace } from './mapStackTrace.js';
import { packagePaths, REPO_ROOT } from './paths.js';

const appDir = process.argv[2] ?? packagePaths().appDir;
process.stdout.write(mapStackTrace(await text(process.stdin), appDir, REPO_ROOT));
