import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { currentDue, daysBetween, dueCoveredBy, localDate, milestoneFor, occurrence } from '../../../src/calendar/due-dates.js';

describe('obligation due dates', () => {
  it.each([
    [{ every: 'year', from: '2025-03-15' }, 1, '2026-03-15'],
    [{ every: 'year', from: '2025-03-15' }, 2, '2027-03-15'],
    [{ every: 'year', from: '2024-02-29' }, 1, '2025-02-28'],
    [{ every: 'year', from: '2024-02-29' }, 4, '2028-02-29'],
    [{ every: 'quarter', from: '2025-11-30' }, 1, '2026-02-28'],
    [{ every: 'quarter', from: '2025-11-30' }, 2, '2026-05-30'],
    [{ every: 'month', from: '2026-01-31' }, 1, '2026-02-28'],
    [{ every: 'month', from: '2026-01-31' }, 2, '2026-03-31'], // from the anchor, no drift to the 28th
    ['2026-06-01', 1, '2026-06-01'],
    ['2026-06-01', 2, undefined],
  ] as const)('occurrence(%j, %i) = %s', (due, k, expected) => {
    expect(occurrence(due as never, k)).toBe(expected);
  });

  it('rolls forward past completions; a one-off ends', () => {
    const annual = { every: 'year', from: '2025-03-15' } as const;
    expect(currentDue(annual, [])).toBe('2026-03-15');
    expect(currentDue(annual, [{ covers: '2026-03-15', completedOn: '2026-03-10' }])).toBe('2027-03-15');
    expect(currentDue('2026-06-01', [])).toBe('2026-06-01');
    expect(currentDue('2026-06-01', [{ covers: '2026-06-01', completedOn: '2026-05-20' }])).toBeUndefined();
  });

  it('a completion covers the current due date, or a later one that had passed by then', () => {
    const annual = { every: 'year', from: '2025-03-15' } as const;
    expect(dueCoveredBy(annual, [], '2026-03-10')).toBe('2026-03-15'); // early
    expect(dueCoveredBy(annual, [], '2026-04-02')).toBe('2026-03-15'); // late
    expect(dueCoveredBy(annual, [], '2027-05-01')).toBe('2027-03-15'); // two years late: not left overdue for 2026
    const monthly = { every: 'month', from: '2026-01-01' } as const;
    expect(dueCoveredBy(monthly, [{ covers: '2026-02-01', completedOn: '2026-01-30' }], '2026-02-20')).toBe('2026-03-01');
    expect(dueCoveredBy('2026-06-01', [{ covers: '2026-06-01', completedOn: '2026-05-20' }], '2026-06-02')).toBeUndefined();
  });

  it('counts calendar days, also across a DST change', () => {
    expect(daysBetween('2027-03-14', '2027-03-15')).toBe(1);
    expect(daysBetween('2027-03-15', '2027-03-14')).toBe(-1);
    expect(daysBetween('2026-03-01', '2026-04-01')).toBe(31); // Berlin springs forward on 2026-03-29
    expect(daysBetween('2026-10-01', '2026-11-01')).toBe(31); // and falls back on 2026-10-25
  });

  it('takes the calendar day of the scheduled instant in the configured zone', () => {
    // 16:30Z on Sept 30 is already October 1 in Shanghai, still Sept 30 in Berlin.
    const at = DateTime.fromISO('2026-09-30T16:30:00Z');
    expect(localDate(at, 'Asia/Shanghai')).toBe('2026-10-01');
    expect(localDate(at, 'Europe/Berlin')).toBe('2026-09-30');
    // 23:30 on the Berlin DST night is still the same local day.
    expect(localDate(DateTime.fromISO('2026-03-29T23:30:00', { zone: 'Europe/Berlin' }), 'Europe/Berlin')).toBe('2026-03-29');
  });

  it.each([
    [100, undefined],
    [61, undefined],
    [60, 60],
    [45, 60],
    [30, 30],
    [8, 14],
    [7, 7],
    [2, 3],
    [1, 1],
    [0, 1],
    [-1, undefined],
  ])('milestone for %i days left is %s', (daysLeft, expected) => {
    expect(milestoneFor([60, 30, 14, 7, 3, 1], daysLeft)).toBe(expected);
  });
});
