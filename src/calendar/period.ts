import { DateTime } from 'luxon';
import { nextFireTimes } from './cron.js';

/**
 * A period is what one run of a check is about. Monthly checks collect the calendar month
 * *before* their scheduled instant; point-in-time checks are about the scheduled day. Both are
 * computed in the configured zone, from the scheduled instant, never from "now".
 */
export type PeriodKind = 'previous-month' | 'day';

export interface Period {
  key: string; // YYYY-MM or YYYY-MM-DD
  start: DateTime; // inclusive, in the configured zone
  end: DateTime; // exclusive
}

export function periodFor(kind: PeriodKind, scheduledAt: DateTime, zone: string): Period {
  const local = scheduledAt.setZone(zone);
  if (kind === 'previous-month') return monthPeriod(local.startOf('month').minus({ months: 1 }));
  return dayPeriod(local.startOf('day'));
}

function monthPeriod(start: DateTime): Period {
  return { key: start.toFormat('yyyy-MM'), start, end: start.plus({ months: 1 }) };
}

function dayPeriod(start: DateTime): Period {
  return { key: start.toFormat('yyyy-MM-dd'), start, end: start.plus({ days: 1 }) };
}

/** Parses `--period`; returns undefined when the key does not fit the check's kind. */
export function parsePeriodKey(kind: PeriodKind, key: string, zone: string): Period | undefined {
  const format = kind === 'previous-month' ? 'yyyy-MM' : 'yyyy-MM-dd';
  const start = DateTime.fromFormat(key, format, { zone });
  if (!start.isValid || start.toFormat(format) !== key) return undefined;
  return kind === 'previous-month' ? monthPeriod(start) : dayPeriod(start);
}

export function periodKeyFormat(kind: PeriodKind): string {
  return kind === 'previous-month' ? 'YYYY-MM' : 'YYYY-MM-DD';
}

/**
 * The instant at which the schedule would have run for `period`: the first fire time at or
 * after the first instant whose period is `period` (for a monthly check, the start of the next
 * month), provided that fire still belongs to the period; otherwise that first instant.
 * Used for `run --period` and catch-up, so a re-run is stamped like the run it stands in for.
 */
export function scheduledInstantFor(kind: PeriodKind, period: Period, cron: string, zone: string): DateTime {
  const first = kind === 'previous-month' ? period.end : period.start;
  const [fire] = nextFireTimes(cron, zone, first.minus({ milliseconds: 1 }), 1);
  if (fire && periodFor(kind, fire, zone).key === period.key) return fire;
  return first;
}

export function serializePeriod(p: Period): { key: string; start: string; end: string } {
  return { key: p.key, start: p.start.toISO()!, end: p.end.toISO()! };
}
