import { describe, expect, it } from 'vitest';
import { addMonths, defaultWindow, isMonthKey, nextDueDate, windowOf } from '../../../../src/archive/export/window.js';

describe('nextDueDate', () => {
  it.each([
    // one date
    ['2027-03-15', '2026-11-29', '2027-03-15'],
    ['2026-03-15', '2026-11-29', undefined],
    ['2026-11-29', '2026-11-29', '2026-11-29'],
    // every year from the filing approval
    [{ every: 'year', from: '2025-03-15' }, '2026-11-29', '2027-03-15'],
    [{ every: 'year', from: '2025-03-15' }, '2026-03-15', '2026-03-15'],
    [{ every: 'year', from: '2025-03-15' }, '2026-03-16', '2027-03-15'],
    [{ every: 'year', from: '2030-01-01' }, '2026-11-29', '2030-01-01'],
    // leap day: counted from the first date, so 29 Feb comes back in leap years
    [{ every: 'year', from: '2024-02-29' }, '2025-01-01', '2025-02-28'],
    [{ every: 'year', from: '2024-02-29' }, '2027-03-01', '2028-02-29'],
    // quarters and months; a series on the 31st stays on month ends
    [{ every: 'quarter', from: '2026-01-10' }, '2026-11-29', '2027-01-10'],
    [{ every: 'quarter', from: '2026-01-10' }, '2026-10-10', '2026-10-10'],
    [{ every: 'month', from: '2026-01-31' }, '2026-02-01', '2026-02-28'],
    [{ every: 'month', from: '2026-01-31' }, '2026-03-01', '2026-03-31'],
  ] as const)('%j on %s → %s', (due, today, expected) => {
    expect(nextDueDate(due as Parameters<typeof nextDueDate>[0], today)).toBe(expected);
  });
});

describe('defaultWindow', () => {
  const annual = { id: 'annual-review', title: '年度合规自查与复审', due: { every: 'year' as const, from: '2025-03-15' } };

  it('is the 12 whole months before the month of the next due date', () => {
    expect(defaultWindow([annual], '2026-11-29')).toEqual({
      from: '2026-03',
      to: '2027-02',
      basis: { obligation: 'annual-review', title: '年度合规自查与复审', due: '2027-03-15' },
    });
  });

  it('takes the earliest upcoming obligation and ignores passed one-off dates', () => {
    const soon = { id: 'licence', title: 'Licence renewal', due: '2027-01-05' };
    const passed = { id: 'old', title: 'Old', due: '2026-01-01' };
    expect(defaultWindow([annual, passed, soon], '2026-11-29')).toMatchObject({ from: '2026-01', to: '2026-12', basis: { obligation: 'licence' } });
  });

  it('falls back to the last 12 whole months when no obligation is upcoming', () => {
    expect(defaultWindow([], '2026-11-29')).toEqual({ from: '2025-11', to: '2026-10', basis: undefined });
    expect(defaultWindow([{ id: 'x', title: 'x', due: '2020-01-01' }], '2026-01-15')).toEqual({ from: '2025-01', to: '2025-12', basis: undefined });
  });
});

describe('windowOf', () => {
  it('lists the months and their bounds in the configured zone', () => {
    const w = windowOf('2025-11', '2026-10', 'Asia/Shanghai');
    expect(w.months).toHaveLength(12);
    expect(w.months[0]).toBe('2025-11');
    expect(w.months.at(-1)).toBe('2026-10');
    expect(w.start.toUTC().toISO()).toBe('2025-10-31T16:00:00.000Z');
    expect(w.end.toUTC().toISO()).toBe('2026-10-31T16:00:00.000Z');
  });

  it('uses the local month boundaries of a DST zone', () => {
    const w = windowOf('2026-03', '2026-10', 'Europe/Berlin');
    expect(w.start.toUTC().toISO()).toBe('2026-02-28T23:00:00.000Z'); // CET
    expect(w.end.toUTC().toISO()).toBe('2026-10-31T23:00:00.000Z'); // back to CET on 25 Oct
    expect(w.months).toHaveLength(8);
  });

  it('validates month keys and adds months across years', () => {
    expect(isMonthKey('2026-10')).toBe(true);
    expect(isMonthKey('2026-13')).toBe(false);
    expect(isMonthKey('2026-1')).toBe(false);
    expect(addMonths('2026-11', 3)).toBe('2027-02');
    expect(addMonths('2026-01', -12)).toBe('2025-01');
  });
});
