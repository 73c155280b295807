// Probe: a process that loads nothing of the product, for the cost of Node itself.
import { reportResult } from './parentLink.js';

reportResult({ readyAtMs: performance.now() });
