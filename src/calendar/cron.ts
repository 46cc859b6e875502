import { CronExpressionParser } from 'cron-parser';
import { DateTime } from 'luxon';

/**
 * Cron evaluation with the same parser (and version) BullMQ uses for job schedulers, so the fire
 * times Dossier predicts (validate, catch-up, watchdog) are the ones Redis will produce.
 */

/** Returns an error message, or undefined when the pattern is valid in the zone. */
export function cronProblem(pattern: string, zone: string): string | undefined {
  const fields = pattern.trim().split(/\s+/);
  if (!pattern.startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    return `"${pattern}" has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`;
  }
  try {
    CronExpressionParser.parse(pattern, { tz: zone });
    return undefined;
  } catch (err) {
    return `"${pattern}" is not a valid cron pattern (${(err as Error).message}); expected 5 fields like "0 2 1 * *" or 6 with seconds first`;
  }
}

/** The next `count` fire times strictly after `from`. */
export function nextFireTimes(pattern: string, zone: string, from: DateTime, count: number): DateTime[] {
  const expr = CronExpressionParser.parse(pattern, { tz: zone, currentDate: from.toJSDate() });
  return expr.take(count).map((d) => DateTime.fromMillis(d.getTime(), { zone }));
}

/** The last fire time at or before `at`, or undefined if there is none within the parser's range. */
export function previousFireTime(pattern: string, zone: string, at: DateTime): DateTime | undefined {
  // cron-parser's prev() is strictly before currentDate; nudge by 1 ms so an exact hit counts.
  const expr = CronExpressionParser.parse(pattern, { tz: zone, currentDate: at.plus({ milliseconds: 1 }).toJSDate() });
  try {
    return DateTime.fromMillis(expr.prev().getTime(), { zone });
  } catch {
    return undefined;
  }
}

/** Fire times in (from, to], oldest first; at most `limit`. */
export function fireTimesBetween(pattern: string, zone: string, from: DateTime, to: DateTime, limit = 10_000): DateTime[] {
  const expr = CronExpressionParser.parse(pattern, { tz: zone, currentDate: from.toJSDate(), endDate: to.plus({ milliseconds: 1 }).toJSDate() });
  const out: DateTime[] = [];
  while (out.length < limit && expr.hasNext()) out.push(DateTime.fromMillis(expr.next().getTime(), { zone }));
  return out;
}
