import { describe, expect, it } from 'vitest';
import { addMonths, defaultWindow, isMonthKey, windowOf } from '../../../../src/archive/export/window.js';

describe('defaultWindow', () => {
  const annual = { id: 'annual-review', title: '年度合规自查与复审', due: { every: 'year' as const, from: '2025-03-15' } };
  const none = () => [];

  it('is the 12 whole months before the month of the earliest open due date (the same date pre-review reminds about)', () => {
    // Filed 2025-03-15: the first review falls due a year later; done for 2026 → next is 2027-03-15.
    const done2026 = (id: string) => (id === 'annual-review' ? [{ covers: '2026-03-15', completedOn: '2026-03-10' }] : []);
    expect(defaultWindow([annual], done2026, '2026-11-29')).toEqual({
      from: '2026-03',
      to: '2027-02',
      basis: { obligation: 'annual-review', title: '年度合规自查与复审', due: '2027-03-15' },
    });
  });

  it('an overdue review stays the basis until it is recorded done', () => {
    expect(defaultWindow([annual], none, '2026-11-29')).toMatchObject({ from: '2025-03', to: '2026-02', basis: { due: '2026-03-15' } });
  });

  it('takes the earliest open obligation; a one-off recorded done no longer counts', () => {
    const soon = { id: 'licence', title: 'Licence renewal', due: '2027-01-05' };
    const old = { id: 'old', title: 'Old', due: '2026-01-01' };
    const completions = (id: string) =>
      id === 'old' ? [{ covers: '2026-01-01', completedOn: '2025-12-20' }] : id === 'annual-review' ? [{ covers: '2026-03-15', completedOn: '2026-03-01' }] : [];
    expect(defaultWindow([annual, old, soon], completions, '2026-11-29')).toMatchObject({ from: '2026-01', to: '2026-12', basis: { obligation: 'licence' } });
  });

  it('falls back to the last 12 whole months when nothing is open', () => {
    expect(defaultWindow([], none, '2026-11-29')).toEqual({ from: '2025-11', to: '2026-10', basis: undefined });
    const done = () => [{ covers: '2020-01-01', completedOn: '2020-01-01' }];
    expect(defaultWindow([{ id: 'x', title: 'x', due: '2020-01-01' }], done, '2026-01-15')).toEqual({ from: '2025-01', to: '2025-12', basis: undefined });
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
