// Module hooks (they run on Node's loader thread, for Node before 22.15: see recordLoads.ts):
// append the URL of every module the process loads to the file `initialize` is given, one a
// line, as it is loaded.
import { appendFileSync } from 'node:fs';
import type { InitializeHook, LoadHook } from 'node:module';

let recordFile = '';

/** Appends one loaded module's URL to the record. */
export function recordLoad(file: string, url: string): void {
  appendFileSync(file, `${url}\n`);
}

export const initialize: InitializeHook<{ recordFile: string }> = (data) => {
  recordFile = data.recordFile;
};

export const load: LoadHook = (url, context, nextLoad) => {
  recordLoad(recordFile, url);
  return nextLoad(url, context);
};
