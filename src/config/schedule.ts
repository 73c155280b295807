import { Cron } from 'croner';

/** How many upcoming occurrences are looked at: enough for weekly and monthly gaps. */
const LOOKAHEAD = 64;

/**
 * Parses an NCRONTAB schedule (`{second} {minute} {hour} {day} {month} {day-of-week}`, as the
 * Functions host reads it), in UTC: Flex Consumption ignores WEBSITE_TIME_ZONE. A fixed offset of
 * 0, not the `Etc/UTC` zone, which would cost every cold start some 17 ms of Intl set-up.
 * Throws an Error saying what is wrong with the expression.
 */
function parseSchedule(ncrontab: string): Cron {
  const fields = ncrontab.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `an NCRONTAB schedule has 6 fields ({second} {minute} {hour} {day} {month} {day-of-week}), this one has ${fields.length.toString()}`,
    );
  }
  try {
    return new Cron(fields.join(' '), { paused: true, utcOffset: 0 });
  } catch (err) {
    throw new Error(err instanceof Error ? err.message : 'not a valid NCRONTAB expression', {
      cause: err,
    });
  }
}

/** Checks an NCRONTAB schedule's syntax (cheap: no occurrence is computed). */
export function checkSchedule(ncrontab: string): void {
  parseSchedule(ncrontab);
}

/** The next `count` runs of an NCRONTAB schedule after `from`, in UTC. */
export function upcomingRuns(ncrontab: string, from: Date, count: number): Date[] {
  return parseSchedule(ncrontab).nextRuns(count, from);
}

/**
 * The longest gap between two runs of an NCRONTAB schedule over its next 64 occurrences. A
 * weekday schedule's longest gap is the weekend, so a freshness threshold built on it does not
 * page every Monday. Throws an Error saying what is wrong with the expression.
 */
export function scheduleIntervalMs(ncrontab: string, from: Date): number {
  const runs = upcomingRuns(ncrontab, from, LOOKAHEAD);
  if (runs.length < 2) throw new Error('it does not fire at least twice in the future');
  let longest = 0;
  for (let i = 1; i < runs.length; i++) {
    const gap = (runs[i]?.getTime() ?? 0) - (runs[i - 1]?.getTime() ?? 0);
    if (gap > longest) longest = gap;
  }
  return longest;
}
