import { DateTime } from 'luxon';
import type { Obligation } from '../config/schema.js';

/**
 * Due dates of obligations (spec 4.3). Pure date arithmetic on calendar days (YYYY-MM-DD):
 * "days left" counts calendar days in the configured zone, so it is computed on dates, never on
 * instants (a DST day has 23 or 25 hours but is still one day).
 *
 * A recurring duty `{ every, from }` falls due one period after `from`, two periods after, …
 * (`from` is the anchor, e.g. the filing approval date: the first annual review is a year
 * later). Each date is computed from the anchor, not from the previous date, so a series
 * anchored on the 31st keeps falling on the month's last day instead of drifting.
 */

const MONTHS = { month: 1, quarter: 3, year: 12 } as const;

/** The k-th due date of an obligation (k ≥ 1), or undefined past the end of a one-off. */
export function occurrence(due: Obligation['due'], k: number): string | undefined {
  if (typeof due === 'string') return k === 1 ? due : undefined;
  const anchor = DateTime.fromISO(due.from, { zone: 'UTC' });
  return anchor.plus({ months: MONTHS[due.every] * k }).toISODate()!;
}

/** A recorded completion: the due date it covers, and the day the duty was done. */
export interface Completion {
  covers: string;
  completedOn: string;
}

/**
 * The due date a completion done on `completedOn` covers, given the completions already
 * recorded: the current (earliest open) due date, or a later one when the duty was done after
 * that later date had passed too (doing the annual self-inspection late covers the year it was
 * late for, not one long ago). Undefined when nothing is left to cover (a one-off already done).
 */
export function dueCoveredBy(due: Obligation['due'], completions: Completion[], completedOn: string): string | undefined {
  const current = currentDue(due, completions);
  if (!current) return undefined;
  let covers = current;
  for (let k = 1; k < 10_000; k++) {
    const d = occurrence(due, k);
    if (!d || d > completedOn) break;
    if (d > covers) covers = d;
  }
  return covers;
}

/** The earliest due date after everything completions cover; undefined when all is done. */
export function currentDue(due: Obligation['due'], completions: Completion[]): string | undefined {
  const coveredThrough = completions.reduce<string>((max, c) => (c.covers > max ? c.covers : max), '');
  for (let k = 1; k < 10_000; k++) {
    const d = occurrence(due, k);
    if (!d) return undefined;
    if (d > coveredThrough) return d;
  }
  return undefined;
}

/** Calendar days from `fromISO` to `toISO` (negative when `toISO` is earlier). */
export function daysBetween(fromISO: string, toISO: string): number {
  const utc = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((utc(toISO) - utc(fromISO)) / 86_400_000);
}

/** The calendar day of an instant in a zone. */
export function localDate(at: DateTime, zone: string): string {
  return at.setZone(zone).toISODate()!;
}

/**
 * The reminder milestone a run on a day with `daysLeft` falls in: the smallest lead day that is
 * still ≥ daysLeft. Reminders are keyed by it, so a run on any day of a milestone's window sends
 * that milestone's reminder once, and a daemon that was down across several milestones sends
 * only the latest one. Undefined before the first lead day and after the due date.
 */
export function milestoneFor(leadDays: number[], daysLeft: number): number | undefined {
  if (daysLeft < 0) return undefined;
  const reached = leadDays.filter((d) => d >= daysLeft);
  return reached.length ? Math.min(...reached) : undefined;
}
