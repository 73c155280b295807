// Module hooks (they run on Node's loader thread, for Node before 22.15: see recordLoads.ts):
// append the URL of every module the process loads to the file `initialize` is given, one a
// line, as it is loaded.
import { appendFileSync } from 'node:fs';
import type { InitializeHook, LoadHook } from 'node:module';

/** The load hook, for either kind of hooks: appends each module's URL to `file`, then loads it. */
export function recordingLoad(file: string): LoadHook {
  return (url, context, nextLoad) => {
    appendFileSync(file, `${url}\n`);
    return nextLoad(url, context);
  };
}

let record: LoadHook | undefined;

export const initialize: InitializeHook<{ recordFile: string }> = (data) => {
  record = recordingLoad(data.recordFile);
};

export const load: LoadHook = (url, context, nextLoad) =>
  record ? record(url, context, nextLoad) : nextLoad(url, context);
