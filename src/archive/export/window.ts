import { DateTime } from 'luxon';
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

type Due = Obligation['due'];

const STEP: Record<'year' | 'quarter' | 'month', { months: number }> = {
  year: { months: 12 },
  quarter: { months: 3 },
  month: { months: 1 },
};

/**
 * The first due date on or after `today` (both YYYY-MM-DD), or undefined when a one-off date
 * has passed. Recurring dates are counted from `from` each time (from + k periods), not from the
 * previous date, so a series that starts on the 31st stays on the last day of short months
 * instead of drifting to the 28th.
 *
 * NOTE for the lead: pre-review (issue 5) computes due dates too and also knows about
 * `obligation done`, which rolls a date forward. This stays a small pure function so the two can
 * be unified on one implementation.
 */
export function nextDueDate(due: Due, today: string): string | undefined {
  if (typeof due === 'string') return due >= today ? due : undefined;
  const from = DateTime.fromISO(due.from, { zone: 'UTC' });
  const step = STEP[due.every].months;
  const t = DateTime.fromISO(today, { zone: 'UTC' });
  // Jump close to today, then walk: at most a couple of iterations.
  let k = Math.max(0, Math.floor((t.year * 12 + t.month - (from.year * 12 + from.month)) / step) - 1);
  for (;;) {
    const date = from.plus({ months: k * step }).toISODate()!;
    if (date >= today) return date;
    k++;
  }
}

export interface DefaultWindow {
  from: string;
  to: string;
  /** Why these months: the obligation whose due date set them, or none. */
  basis: { obligation: string; title: string; due: string } | undefined;
}

/**
 * Default window (spec: "the 12 months before the next obligation due date"): the twelve whole
 * months before the month of the earliest upcoming due date. With no upcoming obligation, the
 * twelve whole months before the current one.
 */
export function defaultWindow(obligations: Obligation[], today: string): DefaultWindow {
  let basis: DefaultWindow['basis'];
  for (const o of obligations) {
    const due = nextDueDate(o.due, today);
    if (due && (!basis || due < basis.due)) basis = { obligation: o.id, title: o.title, due };
  }
  const anchor = (basis?.due ?? today).slice(0, 7);
  return { from: addMonths(anchor, -12), to: addMonths(anchor, -1), basis };
}
