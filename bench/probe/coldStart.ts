// Probe: process start until both functions are registered, for the target in argv[2].
import type { Target } from '../protocol.js';
import { loadTarget } from './loadTarget.js';
import { reportResult } from './parentLink.js';

const target = process.argv[2] as Target;
const { registeredAtMs } = await loadTarget(target);
reportResult({ registeredAtMs });
