import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import functions, { type HttpResponseInit, type Timer } from '@azure/functions';
import { createLogger, type Logger } from '../../src/logging/logger.js';

/** A logger that keeps its redacted lines, for assertions and the no-leak checks. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger((level, line) => lines.push(`${level}: ${line}`)), lines };
}

/**
 * Copies every write to this process's stderr into `lines` (still writing it); the returned
 * function puts stderr back.
 */
export function captureStderr(lines: string[]): () => void {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return write(chunk, ...rest);
  };
  return () => {
    process.stderr.write = write;
  };
}

/** A real InvocationContext whose log lines are kept. */
export function newInvocation(functionName: string): {
  context: InstanceType<typeof functions.InvocationContext>;
  lines: string[];
} {
  const lines: string[] = [];
  const context = new functions.InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level, ...args) => lines.push(`${level}: ${args.map(String).join(' ')}`),
  });
  return { context, lines };
}

export function syncRequest(method: 'GET' | 'POST', body?: string) {
  return new functions.HttpRequest({
    method,
    url: 'http://localhost:7071/api/sync',
    ...(body === undefined ? {} : { body: { string: body } }),
  });
}

/** Asserts that none of the secrets appears in any of the texts. */
export function findLeaks(texts: readonly string[], secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    for (const text of texts) {
      if (text.includes(secret)) leaks.push(`${secret.slice(0, 4)}… in: ${text.slice(0, 120)}`);
    }
  }
  return leaks;
}

/** A timer as the host passes it. */
export function timerInfo(isPastDue = false): Timer {
  const now = new Date().toISOString();
  return {
    isPastDue,
    schedule: { adjustForDST: true },
    scheduleStatus: { last: now, next: now, lastUpdated: now },
  };
}

/** The text body of a handler's response (problem responses carry a string body). */
export function bodyText(response: HttpResponseInit): string {
  assert.equal(typeof response.body, 'string', 'expected a string body');
  return response.body as string;
}
