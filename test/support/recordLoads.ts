// A preload (`node --import <this file's URL>`) that records every ES module the process loads
// into the file TODO_SYNC_LOAD_RECORD names: which chunks of a bundle a command evaluated.
import { register } from 'node:module';

const recordFile = process.env.TODO_SYNC_LOAD_RECORD;
if (!recordFile) throw new Error('TODO_SYNC_LOAD_RECORD must name the file to record into');
register('./loadRecorderHooks.js', import.meta.url, { data: { recordFile } });
