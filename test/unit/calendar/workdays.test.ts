import { isWorkday as chineseDaysIsWorkday } from 'chinese-days';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { CN_SCHEDULES } from '../../../src/calendar/cn-holidays.js';
import { WorkingDayCalendar, calendarWarningText, type CalendarWarning } from '../../../src/calendar/workdays.js';

const cal = new WorkingDayCalendar({ zone: 'Asia/Shanghai' });

/**
 * The published schedules, typed in from the State Council notices, day by day: every day of
 * each holiday block, the weekend days around it, and its make-up working days.
 */
const published: Array<[date: string, working: boolean, why: string]> = [
  // 2025 Spring Festival: Jan 28 – Feb 4 off; Sun Jan 26 and Sat Feb 8 worked.
  ['2025-01-25', false, 'Sat before the make-up Sunday'],
  ['2025-01-26', true, 'Sun, make-up for Spring Festival'],
  ['2025-01-27', true, 'Mon'],
  ['2025-01-28', false, '除夕'],
  ['2025-01-29', false, '初一'],
  ['2025-01-31', false, 'Fri in the block'],
  ['2025-02-01', false, 'Sat in the block'],
  ['2025-02-04', false, 'last day of the block (Tue)'],
  ['2025-02-05', true, 'Wed after'],
  ['2025-02-08', true, 'Sat, make-up'],
  ['2025-02-09', false, 'Sun'],
  // 2025 Labour Day: May 1–5 off, Sun Apr 27 worked.
  ['2025-04-27', true, 'Sun, make-up for Labour Day'],
  ['2025-05-05', false, 'Mon in the block'],
  ['2025-05-06', true, 'Tue after'],
  // 2025 Dragon Boat: May 31 – Jun 2 off, no make-up day.
  ['2025-06-02', false, 'Mon, Dragon Boat'],
  // 2025 National Day + Mid-Autumn: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 worked.
  ['2025-09-27', false, 'Sat'],
  ['2025-09-28', true, 'Sun, make-up'],
  ['2025-09-30', true, 'Tue'],
  ['2025-10-01', false, 'National Day'],
  ['2025-10-06', false, 'Mid-Autumn (Mon)'],
  ['2025-10-08', false, 'Wed, last day'],
  ['2025-10-09', true, 'Thu after'],
  ['2025-10-11', true, 'Sat, make-up'],
  ['2025-10-12', false, 'Sun'],
  // 2026 New Year: Jan 1–3 off, Sun Jan 4 worked.
  ['2026-01-02', false, 'Fri, New Year'],
  ['2026-01-04', true, 'Sun, make-up'],
  // 2026 Spring Festival: Feb 15–23 off (9 days), Sat Feb 14 and Sat Feb 28 worked.
  ['2026-02-13', true, 'Fri'],
  ['2026-02-14', true, 'Sat, make-up'],
  ['2026-02-15', false, 'Sun, first day'],
  ['2026-02-16', false, '除夕 (Mon)'],
  ['2026-02-20', false, 'Fri in the block'],
  ['2026-02-23', false, 'Mon, last day'],
  ['2026-02-24', true, 'Tue after'],
  ['2026-02-28', true, 'Sat, make-up'],
  ['2026-03-01', false, 'Sun'],
  // 2026 Labour Day: May 1–5 off, Sat May 9 worked.
  ['2026-05-05', false, 'Tue, last day'],
  ['2026-05-09', true, 'Sat, make-up'],
  // 2026 Dragon Boat: Jun 19–21 off.
  ['2026-06-19', false, 'Fri, Dragon Boat'],
  // 2026 Mid-Autumn: Sep 25–27 off, no make-up day.
  ['2026-09-25', false, 'Fri, Mid-Autumn'],
  ['2026-09-28', true, 'Mon'],
  // 2026 National Day: Oct 1–7 off, Sun Sep 20 and Sat Oct 10 worked.
  ['2026-09-19', false, 'Sat'],
  ['2026-09-20', true, 'Sun, make-up'],
  ['2026-10-01', false, 'National Day'],
  ['2026-10-07', false, 'Wed, last day'],
  ['2026-10-08', true, 'Thu after'],
  ['2026-10-10', true, 'Sat, make-up'],
  ['2026-10-11', false, 'Sun'],
  // Plain days.
  ['2026-11-30', true, 'Mon'],
  ['2026-12-05', false, 'Sat'],
];

describe('working-day calendar: published schedules', () => {
  it.each(published)('%s is %s (%s)', (date, working) => {
    expect(cal.isWorkingDay(date)).toBe(working);
  });

  it('says why a day is (not) a working day', () => {
    expect(cal.info('2026-10-10')).toMatchObject({ working: true, reason: 'make-up-workday', holiday: ['国庆节', 'National Day'], known: true });
    expect(cal.info('2026-02-16')).toMatchObject({ working: false, reason: 'holiday', holiday: ['春节', 'Spring Festival'] });
    expect(cal.info('2026-12-05')).toMatchObject({ working: false, reason: 'weekend' });
  });

  it('matches the chinese-days package on every day of 2024–2026', () => {
    const differences: string[] = [];
    for (const year of [2024, 2025, 2026]) {
      for (let d = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: 'UTC' }); d.year === year; d = d.plus({ days: 1 })) {
        const date = d.toISODate()!;
        if (cal.isWorkingDay(date) !== chineseDaysIsWorkday(date)) differences.push(date);
      }
    }
    expect(differences).toEqual([]);
  });

  it('covers 2024–2026', () => {
    expect(cal.knownYears()).toEqual([2024, 2025, 2026]);
    expect(Object.keys(CN_SCHEDULES)).toEqual(['2024', '2025', '2026']);
  });
});

describe('addWorkingDays / workingDaysBetween (the start day is not counted)', () => {
  // Each expected date counted by hand on the published schedule (see the comments).
  const cases: Array<[from: string, n: number, expected: string, why: string]> = [
    // Mon 9-28: 9-29(1) 9-30(2) [Oct 1–7 off] 10-8(3) 10-9(4) 10-10 Sat make-up(5) 10-12(6) … 10-16(10)
    ['2026-09-28', 10, '2026-10-16', 'change seen just before National Day 2026'],
    // Fri 2-13: 2-14 Sat make-up(1) [2-15…2-23 off] 2-24(2) … 2-27(5) 2-28 Sat make-up(6) 3-2(7) … 3-5(10)
    ['2026-02-13', 10, '2026-03-05', 'across Spring Festival 2026 and both make-up Saturdays'],
    // Fri 9-26: 9-28 Sun make-up(1) 9-29(2) 9-30(3) [Oct 1–8 off] 10-9(4) 10-10(5) 10-11 Sat make-up(6) 10-13(7) … 10-16(10)
    ['2025-09-26', 10, '2025-10-16', 'across National Day 2025'],
    // Fri 1-24: 1-26 Sun make-up(1) 1-27(2) [1-28…2-4 off] 2-5(3) 2-6(4) 2-7(5) 2-8 Sat make-up(6) 2-10(7) … 2-13(10)
    ['2025-01-24', 10, '2025-02-13', 'across Spring Festival 2025'],
    // Sun 9-20 (a make-up day, not counted as the start): 9-21…9-24(4) [Mid-Autumn 9-25…27] 9-28…9-30(7)
    // [Oct 1–7] 10-8(8) 10-9(9) 10-10(10) 10-12…10-16(15)
    ['2026-09-20', 15, '2026-10-16', '15 working days from a make-up Sunday'],
    ['2025-12-31', 1, '2026-01-04', 'New Year 2026: the make-up Sunday is the next working day'],
    ['2026-10-01', 1, '2026-10-08', 'from inside a holiday block'],
    ['2026-11-30', 0, '2026-11-30', 'n = 0 is the day itself'],
    ['2026-10-08', -1, '2026-09-30', 'backwards over National Day'],
  ];

  it.each(cases)('%s + %i working days = %s (%s)', (from, n, expected) => {
    expect(cal.addWorkingDays(from, n)).toBe(expected);
    if (n >= 0) expect(cal.workingDaysBetween(from, expected)).toBe(n);
  });

  it('counts (a, b]: same day 0, a holiday week 0, reversed negative', () => {
    expect(cal.workingDaysBetween('2026-11-30', '2026-11-30')).toBe(0);
    expect(cal.workingDaysBetween('2026-09-30', '2026-10-07')).toBe(0);
    expect(cal.workingDaysBetween('2026-09-30', '2026-10-08')).toBe(1);
    expect(cal.workingDaysBetween('2026-10-16', '2026-09-28')).toBe(-10);
  });

  it('takes a DateTime as the calendar date in the configured zone', () => {
    const instant = DateTime.fromISO('2026-09-30T16:30:00Z');
    expect(cal.toDate(instant)).toBe('2026-10-01');
    expect(cal.isWorkingDay(instant)).toBe(false);
    const berlin = new WorkingDayCalendar({ zone: 'Europe/Berlin' });
    expect(berlin.toDate(instant)).toBe('2026-09-30');
    expect(berlin.isWorkingDay(instant)).toBe(true);
    // Across the spring-forward night (2026-03-29 in Berlin) days stay whole days.
    expect(berlin.addWorkingDays(DateTime.fromISO('2026-03-27T23:30:00+01:00'), 1)).toBe('2026-03-30');
    expect(berlin.workingDaysBetween(DateTime.fromISO('2026-10-23T12:00:00+02:00'), DateTime.fromISO('2026-10-26T00:30:00+01:00'))).toBe(1);
  });

  it('rejects what is not a date', () => {
    expect(() => cal.isWorkingDay('2026-02-30')).toThrow(/not a date/);
    expect(() => cal.addWorkingDays('2026-11-30', 1.5)).toThrow(/integer/);
  });
});

describe('config dates and years without data', () => {
  it('adds configured holidays and workdays', () => {
    const c = new WorkingDayCalendar({ zone: 'Asia/Shanghai', holidays: ['2026-12-31'], workdays: ['2026-12-26'] });
    expect(c.info('2026-12-31')).toMatchObject({ working: false, reason: 'configured-holiday' });
    expect(c.info('2026-12-26')).toMatchObject({ working: true, reason: 'configured-workday' });
    // Thu 12-24: 12-25(1) 12-26 Sat configured(2) 12-28(3) 12-29(4) 12-30(5) [12-31 off] …
    expect(c.addWorkingDays('2026-12-24', 5)).toBe('2026-12-30');
  });

  it('counts a year without data as weekends only and warns once (never silently)', () => {
    const warnings: CalendarWarning[] = [];
    const c = new WorkingDayCalendar({ zone: 'Asia/Shanghai', onWarning: (w) => warnings.push(w) });
    // chinese-days 1.5.7 calls 2027-01-01 a working day without a word; so do we, but we say so.
    expect(c.info('2027-01-01')).toMatchObject({ working: true, reason: 'weekday', known: false });
    expect(c.addWorkingDays('2026-12-30', 3)).toBe('2027-01-04');
    expect(warnings).toEqual([{ year: 2027, kind: 'weekends-only', configuredDates: 0 }]);
    expect(c.warningsFor('2026-11-01', '2027-02-01')).toEqual([{ year: 2027, kind: 'weekends-only', configuredDates: 0 }]);
    expect(c.warningsFor('2026-01-01', '2026-12-31')).toEqual([]);
    expect(calendarWarningText('en', warnings[0]!)).toMatch(/2027 has no holiday data.*calendar\.holidays/);
    expect(calendarWarningText('zh-CN', warnings[0]!)).toMatch(/2027 年没有节假日数据/);
  });

  it('uses config dates for such a year, and still says the data is from config only', () => {
    const warnings: CalendarWarning[] = [];
    const c = new WorkingDayCalendar({ zone: 'Asia/Shanghai', holidays: ['2027-01-01'], onWarning: (w) => warnings.push(w) });
    expect(c.isWorkingDay('2027-01-01')).toBe(false);
    expect(warnings).toEqual([{ year: 2027, kind: 'config-only', configuredDates: 1 }]);
  });
});
