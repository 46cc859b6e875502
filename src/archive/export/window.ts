import { DateTime } from 'luxon';
import { currentDue, type Completion } from '../../calendar/due-dates.js';
import type { Obligation } from '../../config/schema.js';

/**
 * The export window: whole calendar months in the configured zone, `from`..`to` inclusive.
 * Pure functions only: the CLI passes "today", tests pass any day.
 */
export interface ExportWindow {
  from: string; // YYYY-MM
  to: string; // YYYY-MM
  /** Every month of the window, oldest first. */
  months: string[];
  /** First instant of `from` and first instant after `to`, in the zone. */
  start: DateTime;
  end: DateTime;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonthKey(s: string): boolean {
  return MONTH.test(s);
}

export function windowOf(from: string, to: string, zone: string): ExportWindow {
  const start = DateTime.fromFormat(from, 'yyyy-MM', { zone });
  const last = DateTime.fromFormat(to, 'yyyy-MM', { zone });
  const months: string[] = [];
  for (let m = start; m <= last; m = m.plus({ months: 1 })) months.push(m.toFormat('yyyy-MM'));
  return { from, to, months, start, end: last.plus({ months: 1 }) };
}

export function addMonths(month: string, n: number): string {
  return DateTime.fromFormat(month, 'yyyy-MM', { zone: 'UTC' }).plus({ months: n }).toFormat('yyyy-MM');
}

export interface DefaultWindow {
  from: string;
  to: string;
  /** Why these months: the obligation whose due date set them, or none. */
  basis: { obligation: string; title: string; due: string } | undefined;
}

/**
 * Default window (spec: "the 12 months before the next obligation due date"): the twelve whole
 * months before the month of the earliest due date still open, as pre-review computes it
 * (`currentDue`: recorded completions roll a recurring date forward; an overdue date stays
 * current, so an overdue review is exported with the months it is about). With nothing open,
 * the twelve whole months before the current one.
 */
export function defaultWindow(obligations: Obligation[], completions: (obligationId: string) => Completion[], today: string): DefaultWindow {
  let basis: DefaultWindow['basis'];
  for (const o of obligations) {
    const due = currentDue(o.due, completions(o.id));
    if (due && (!basis || due < basis.due)) basis = { obligation: o.id, title: o.title, due };
  }
  const anchor = (basis?.due ?? today).slice(0, 7);
  return { from: addMonths(anchor, -12), to: addMonths(anchor, -1), basis };
}
