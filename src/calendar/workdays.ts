import { DateTime } from 'luxon';
import { say, type Locale } from '../lib/i18n.js';
import type { Logger } from '../lib/logger.js';
import { CN_SCHEDULES, type YearSchedule } from './cn-holidays.js';

/**
 * The working-day calendar of mainland China: weekends off, public holidays off, make-up
 * working days (调休) on, per the State Council's yearly notice (cn-holidays.ts), plus the extra
 * dates of `calendar.holidays` / `calendar.workdays` in config.
 *
 * Counting convention (the one of Civil Code Art. 201: "开始的当日不计入", the start day is not
 * counted): "N working days after D" is the N-th working day strictly after D, whatever D is.
 * That day is the deadline, and the deadline day itself is still on time; a case is overdue from
 * the day after it. `workingDaysBetween(a, b)` counts working days in (a, b], so
 * `workingDaysBetween(d, addWorkingDays(d, n)) === n` for n ≥ 0, and an answer on the day a
 * complaint arrived took 0 working days.
 *
 * Dates are calendar dates (`YYYY-MM-DD`) in the configured zone; a luxon DateTime is first put
 * into that zone, so 2026-09-30T16:30Z is 2026-10-01 (a holiday) in Asia/Shanghai. The arithmetic
 * itself runs on day numbers, so daylight-saving zones cannot shift a day.
 *
 * A year with no published schedule (the notice comes out around November of the year before) is
 * computed from weekends and configured dates only, and the calendar says so: `onWarning` fires
 * once per such year, and `warningsFor(from, to)` lists them for `dossier validate`.
 */

export type DateInput = string | DateTime;

/**
 * A working-day predicate over YYYY-MM-DD calendar days (in the configured zone). Handlers take
 * it from their context, so tests can pin any calendar (a make-up Saturday, a holiday Thursday).
 */
export type IsWorkingDay = (dateISO: string) => boolean;

export type DayReason = 'weekday' | 'weekend' | 'holiday' | 'make-up-workday' | 'configured-holiday' | 'configured-workday';

export interface DayInfo {
  date: string;
  working: boolean;
  reason: DayReason;
  /** zh-CN and en holiday name, for holidays and make-up working days. */
  holiday?: readonly [string, string];
  /** false when the year has no published schedule in Dossier's data (weekends and config only). */
  known: boolean;
}

export interface CalendarWarning {
  year: number;
  /** weekends-only: nothing known about the year; config-only: only the dates in config. */
  kind: 'weekends-only' | 'config-only';
  /** How many config dates (holidays + workdays) fall in the year. */
  configuredDates: number;
}

export interface CalendarOptions {
  /** IANA zone the dates are in. */
  zone: string;
  /** Extra non-working dates (company shutdowns, a year published after this release). */
  holidays?: readonly string[];
  /** Extra working dates. */
  workdays?: readonly string[];
  /** Called once per year without a published schedule, the first time a date in it is used. */
  onWarning?: (warning: CalendarWarning) => void;
  /** Holiday data by year; the shipped CN schedules by default. */
  schedules?: Readonly<Record<number, YearSchedule>>;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class WorkingDayCalendar {
  readonly zone: string;
  private readonly off = new Map<string, readonly [string, string]>();
  private readonly makeUp = new Map<string, readonly [string, string]>();
  private readonly extraOff: Set<string>;
  private readonly extraWork: Set<string>;
  private readonly years: Set<number>;
  private readonly warned = new Set<number>();
  private readonly onWarning?: (warning: CalendarWarning) => void;
  /** Working or not, by day number: counting loops ask about the same few hundred days. */
  private readonly memo = new Map<number, boolean>();

  constructor(options: CalendarOptions) {
    this.zone = options.zone;
    this.onWarning = options.onWarning;
    const schedules = options.schedules ?? CN_SCHEDULES;
    this.years = new Set(Object.keys(schedules).map(Number));
    for (const schedule of Object.values(schedules)) {
      for (const block of schedule.blocks) {
        for (let day = dayNumber(block.off[0]); day <= dayNumber(block.off[1]); day++) this.off.set(dateOf(day), block.name);
        for (const d of block.work) this.makeUp.set(checkedDate(d), block.name);
      }
    }
    this.extraOff = new Set((options.holidays ?? []).map(checkedDate));
    this.extraWork = new Set((options.workdays ?? []).map(checkedDate));
  }

  /** The calendar date of `d` in the calendar's zone, as YYYY-MM-DD. */
  toDate(d: DateInput): string {
    if (typeof d === 'string') return checkedDate(d);
    if (!d.isValid) throw new RangeError(`invalid DateTime: ${d.invalidExplanation ?? 'unknown reason'}`);
    return d.setZone(this.zone).toISODate()!;
  }

  info(d: DateInput): DayInfo {
    const date = this.toDate(d);
    const year = Number(date.slice(0, 4));
    const known = this.years.has(year);
    if (!known) this.warnOnce(year);
    // Config wins over the published data: it is how ops correct or extend it.
    if (this.extraOff.has(date)) return { date, working: false, reason: 'configured-holiday', known };
    if (this.extraWork.has(date)) return { date, working: true, reason: 'configured-workday', known };
    const holiday = this.off.get(date);
    if (holiday) return { date, working: false, reason: 'holiday', holiday, known };
    const makeUp = this.makeUp.get(date);
    if (makeUp) return { date, working: true, reason: 'make-up-workday', holiday: makeUp, known };
    const weekday = new Date(dayNumber(date) * DAY_MS).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    return { date, working: !weekend, reason: weekend ? 'weekend' : 'weekday', known };
  }

  isWorkingDay(d: DateInput): boolean {
    return this.info(d).working;
  }

  /**
   * The n-th working day after `d` (the start day is never counted), as YYYY-MM-DD. n = 0 gives
   * `d` itself; a negative n counts backwards (the |n|-th working day before `d`).
   */
  addWorkingDays(d: DateInput, n: number): string {
    if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays: n must be an integer, got ${n}`);
    let day = dayNumber(this.toDate(d));
    const step = n < 0 ? -1 : 1;
    let left = Math.abs(n);
    // Even a long holiday block leaves working days every few days; this only stops a config
    // that declares whole years off from looping for ever.
    let budget = left * 7 + 400;
    while (left > 0) {
      day += step;
      if (this.workingDay(day)) left--;
      if (--budget < 0) throw new RangeError(`no ${Math.abs(n)} working days found around ${this.toDate(d)}: check calendar.holidays`);
    }
    return dateOf(day);
  }

  /**
   * Working days in (a, b]: the days after `a` up to and including `b`. Negative when b < a
   * (minus the working days in (b, a]); 0 when a and b are the same day.
   */
  workingDaysBetween(a: DateInput, b: DateInput): number {
    const from = dayNumber(this.toDate(a));
    const to = dayNumber(this.toDate(b));
    const [lo, hi, sign] = from <= to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let day = lo + 1; day <= hi; day++) if (this.workingDay(day)) count++;
    return sign * count;
  }

  private workingDay(day: number): boolean {
    let working = this.memo.get(day);
    if (working === undefined) {
      working = this.info(dateOf(day)).working;
      this.memo.set(day, working);
    }
    return working;
  }

  /** Years with a published schedule in Dossier's data. */
  knownYears(): number[] {
    return [...this.years].sort((x, y) => x - y);
  }

  /** The years between `from` and `to` (inclusive) that have no published schedule. */
  warningsFor(from: DateInput, to: DateInput): CalendarWarning[] {
    const first = Number(this.toDate(from).slice(0, 4));
    const last = Number(this.toDate(to).slice(0, 4));
    const out: CalendarWarning[] = [];
    for (let year = first; year <= last; year++) if (!this.years.has(year)) out.push(this.warningFor(year));
    return out;
  }

  private warningFor(year: number): CalendarWarning {
    const prefix = `${year}-`;
    const configuredDates = [...this.extraOff, ...this.extraWork].filter((d) => d.startsWith(prefix)).length;
    return { year, kind: configuredDates > 0 ? 'config-only' : 'weekends-only', configuredDates };
  }

  private warnOnce(year: number): void {
    if (this.warned.has(year)) return;
    this.warned.add(year);
    this.onWarning?.(this.warningFor(year));
  }
}

/** The human text of a calendar warning (validate, logs, finding messages). */
export function calendarWarningText(locale: Locale, w: CalendarWarning): string {
  if (w.kind === 'config-only') {
    return say(
      locale,
      `${w.year} 年的节假日安排不在 Dossier 内置数据中，仅按周末和配置中的 ${w.configuredDates} 个日期计算工作日；请确认 calendar.holidays / calendar.workdays 已完整录入国务院办公厅通知`,
      `${w.year} has no published holiday schedule in Dossier's data: working days use weekends and the ${w.configuredDates} dates in config only; make sure calendar.holidays / calendar.workdays hold the whole State Council notice`,
    );
  }
  return say(
    locale,
    `${w.year} 年没有节假日数据，工作日暂按“周一至周五”计算，截止日期可能不准；请在国务院办公厅通知发布后把放假日期写入 calendar.holidays、调休上班日写入 calendar.workdays，或升级 Dossier`,
    `${w.year} has no holiday data: working days are counted as Monday to Friday, so deadlines may be off; once the State Council notice is out, add its days off to calendar.holidays and its make-up working days to calendar.workdays, or upgrade Dossier`,
  );
}

/**
 * The calendar of a loaded config. Cheap to build: build one per run (or per command), so a year
 * without data is logged once per run, in that run's log scope.
 */
export function calendarFor(config: { timezone: string; calendar: { holidays: readonly string[]; workdays: readonly string[] } }, logger?: Logger): WorkingDayCalendar {
  return new WorkingDayCalendar({
    zone: config.timezone,
    holidays: config.calendar.holidays,
    workdays: config.calendar.workdays,
    onWarning: (w) => logger?.warn({ year: w.year, kind: w.kind, configuredDates: w.configuredDates }, calendarWarningText('en', w)),
  });
}

function checkedDate(s: string): string {
  const m = DATE.exec(s);
  if (!m || dateOf(dayNumber(s)) !== s) throw new RangeError(`"${s}" is not a date written YYYY-MM-DD`);
  return s;
}

function dayNumber(date: string): number {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
