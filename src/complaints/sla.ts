import type { DateTime } from 'luxon';
import type { WorkingDayCalendar } from '../calendar/workdays.js';
import type { Complaint } from './read.js';

/**
 * The complaint-handling arithmetic, pure: each complaint judged against the response limit as
 * of an instant, and the metrics of a window of complaints.
 *
 * - A complaint is answered at `respondedAt`, or at `resolvedAt` when no separate response is
 *   recorded (resolving it answers it). Times after the as-of instant do not count yet, so a
 *   re-run for an earlier day sees what was known then.
 * - Its deadline is `slaWorkingDays` working days after the day it was received (the receiving
 *   day is not counted; the deadline day is on time). Handling times are working days in
 *   (received day, answer day]: answered the same day = 0.
 * - On time: answered on or before the deadline day. A breach: answered after it (late), or
 *   still open after it (overdue). Compliance = on time / (on time + late + overdue); complaints
 *   still open within their limit are not decided yet and are left out.
 * - Median: the middle value, or the mean of the two middle ones. p95: nearest rank, the value
 *   at position ⌈0.95·n⌉ of the sorted list (always one that occurred).
 */

export interface Judged {
  complaint: Complaint;
  receivedDate: string;
  deadline: string;
  answeredAt?: DateTime;
  responseWorkingDays?: number;
  resolutionWorkingDays?: number;
  onTime?: boolean;
  open: boolean;
  /** Open: working days used so far, up to the as-of day. */
  elapsedWorkingDays?: number;
  overdue: boolean;
  /** Open, not overdue, and at or past warnRatio of the limit. */
  near: boolean;
}

export interface SlaRules {
  calendar: WorkingDayCalendar;
  asOf: DateTime;
  slaWorkingDays: number;
  warnRatio: number;
}

export function judgeComplaints(complaints: Complaint[], rules: SlaRules): Judged[] {
  const { calendar, asOf, slaWorkingDays, warnRatio } = rules;
  const today = calendar.toDate(asOf);
  const known = (t: DateTime | undefined) => (t && t <= asOf ? t : undefined);
  return complaints
    .filter((c) => c.receivedAt <= asOf)
    .map((c): Judged => {
      const receivedDate = calendar.toDate(c.receivedAt);
      const deadline = calendar.addWorkingDays(receivedDate, slaWorkingDays);
      const resolvedAt = known(c.resolvedAt);
      const answeredAt = known(c.respondedAt) ?? resolvedAt;
      const resolutionWorkingDays = resolvedAt ? calendar.workingDaysBetween(receivedDate, resolvedAt) : undefined;
      if (answeredAt) {
        const answeredDate = calendar.toDate(answeredAt);
        return {
          complaint: c,
          receivedDate,
          deadline,
          answeredAt,
          responseWorkingDays: calendar.workingDaysBetween(receivedDate, answeredDate),
          ...(resolutionWorkingDays === undefined ? {} : { resolutionWorkingDays }),
          onTime: answeredDate <= deadline,
          open: false,
          overdue: false,
          near: false,
        };
      }
      const elapsed = calendar.workingDaysBetween(receivedDate, today);
      const overdue = today > deadline;
      return { complaint: c, receivedDate, deadline, open: true, elapsedWorkingDays: elapsed, overdue, near: !overdue && elapsed >= warnRatio * slaWorkingDays };
    });
}

export interface Distribution {
  count: number;
  median: number | null;
  p95: number | null;
}

export interface GroupMetrics {
  received: number;
  responded: number;
  resolved: number;
  open: number;
  onTime: number;
  late: number;
  overdueOpen: number;
  /** Share of decided complaints answered in time, 0–1; null when none is decided. */
  compliance: number | null;
  responseWorkingDays: Distribution;
  resolutionWorkingDays: Distribution;
}

export interface WindowMetrics extends GroupMetrics {
  window: { from: string; to: string };
  byChannel: Record<string, GroupMetrics>;
  byCategory: Record<string, GroupMetrics>;
}

/** Metrics of the complaints received in [from, to). */
export function windowMetrics(judged: Judged[], from: DateTime, to: DateTime): WindowMetrics {
  const inWindow = judged.filter((j) => j.complaint.receivedAt >= from && j.complaint.receivedAt < to);
  const groupBy = (key: (j: Judged) => string) => {
    const groups = new Map<string, Judged[]>();
    for (const j of inWindow) {
      const k = key(j);
      const group = groups.get(k);
      if (group) group.push(j);
      else groups.set(k, [j]);
    }
    return Object.fromEntries([...groups.keys()].sort().map((k) => [k, groupMetrics(groups.get(k)!)]));
  };
  return {
    window: { from: from.toISO()!, to: to.toISO()! },
    ...groupMetrics(inWindow),
    byChannel: groupBy((j) => j.complaint.channel),
    byCategory: groupBy((j) => j.complaint.category),
  };
}

function groupMetrics(js: Judged[]): GroupMetrics {
  const answered = js.filter((j) => !j.open);
  const onTime = answered.filter((j) => j.onTime).length;
  const late = answered.length - onTime;
  const overdueOpen = js.filter((j) => j.overdue).length;
  const decided = onTime + late + overdueOpen;
  return {
    received: js.length,
    responded: answered.length,
    resolved: js.filter((j) => j.resolutionWorkingDays !== undefined).length,
    open: js.length - answered.length,
    onTime,
    late,
    overdueOpen,
    compliance: decided ? onTime / decided : null,
    responseWorkingDays: distribution(answered.map((j) => j.responseWorkingDays!)),
    resolutionWorkingDays: distribution(js.flatMap((j) => (j.resolutionWorkingDays === undefined ? [] : [j.resolutionWorkingDays]))),
  };
}

export function distribution(values: number[]): Distribution {
  if (!values.length) return { count: 0, median: null, p95: null };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: sorted.length, median, p95: sorted[Math.ceil(0.95 * sorted.length) - 1]! };
}
