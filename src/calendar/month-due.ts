import { DateTime } from 'luxon';

/**
 * When a month's evidence is due: from the start of the day after the month ends (00:00 on the
 * 2nd of the next month, in the configured zone). The monthly collection runs early on the 1st,
 * so until that day is over a month without a result is "not yet due", after it "missing".
 * One rule for every place that says so: the pre-review readiness (src/report/readiness.ts) and
 * the review package (src/archive/export/gather.ts).
 */
export function monthEvidenceDueAt(month: string, zone: string): DateTime {
  return DateTime.fromFormat(month, 'yyyy-MM', { zone }).plus({ months: 1, days: 1 });
}

/** True when `at` is at or after the moment `month`'s evidence is due. */
export function isMonthEvidenceDue(month: string, at: DateTime, zone: string): boolean {
  return at >= monthEvidenceDueAt(month, zone);
}
