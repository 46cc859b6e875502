import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parsePeriodKey } from '../../../src/calendar/period.js';
import { BLOCK, dayIndex, MAX_CATEGORIES, OTHER_CATEGORY, PASS, periodWindow, REVIEW, Tally } from '../../../src/logs/tally.js';

describe('periodWindow / dayIndex', () => {
  it('maps instants to local days across a 25-hour day (Berlin, 2026-10-25)', () => {
    const w = periodWindow(parsePeriodKey('previous-month', '2026-10', 'Europe/Berlin')!);
    expect(w.dayKeys).toHaveLength(31);
    const at = (iso: string) => w.dayKeys[dayIndex(w, DateTime.fromISO(iso, { setZone: true }).toMillis())];
    expect(at('2026-10-01T00:00:00+02:00')).toBe('2026-10-01');
    expect(at('2026-10-25T00:00:00+02:00')).toBe('2026-10-25');
    expect(at('2026-10-25T23:59:59.999+01:00')).toBe('2026-10-25');
    expect(at('2026-10-26T00:00:00+01:00')).toBe('2026-10-26');
    expect(at('2026-10-31T23:59:59.999+01:00')).toBe('2026-10-31');
  });
});

describe('Tally', () => {
  it('merges parts in order, offsetting sample line numbers, capping samples at 20', () => {
    const a = new Tally(3);
    a.event(0, PASS, 'x');
    a.event(2, BLOCK, 'y');
    a.malformedLine('f', 4, 'bad');
    const b = new Tally(3);
    b.event(2, REVIEW, 'x');
    for (let i = 1; i <= 25; i++) b.malformedLine('f', i, 'bad');
    const all = new Tally(3);
    all.merge(a.data());
    all.merge(b.data(), 100);
    expect([all.total, all.passed, all.blocked, all.reviewed, all.malformed]).toEqual([3, 1, 1, 1, 26]);
    expect(all.dayTotal).toEqual([1, 0, 2]);
    expect(all.dayBlocked).toEqual([0, 0, 1]);
    expect(all.byCategory()).toEqual({ x: { total: 2, blocked: 0 }, y: { total: 1, blocked: 1 } });
    expect(all.samples).toHaveLength(20);
    expect(all.samples.slice(0, 3)).toEqual([
      { file: 'f', line: 4, reason: 'bad' },
      { file: 'f', line: 101, reason: 'bad' },
      { file: 'f', line: 102, reason: 'bad' },
    ]);
  });

  it('keeps memory bounded with free-text categories', () => {
    const t = new Tally(1);
    for (let i = 0; i < MAX_CATEGORIES + 100; i++) t.event(0, BLOCK, `c${i}`);
    const cats = t.byCategory();
    expect(Object.keys(cats)).toHaveLength(MAX_CATEGORIES + 1);
    expect(cats[OTHER_CATEGORY]).toEqual({ total: 100, blocked: 100 });
    expect(t.capped).toBe(true);
  });

  it('keeps the 500 smallest category names, in first-seen order, however the input is cut into parts', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    // 3000 events over 1200 names, some repeating across the whole input.
    const events = Array.from({ length: 3000 }, () => ({ name: `cat-${Math.floor(rnd() * 1200)}`, blocked: rnd() < 0.3 }));
    events.push({ name: '__proto__', blocked: true });

    // The rule, computed the plain way.
    const names = [...new Set(events.map((e) => e.name))];
    const kept = new Set([...names].sort().slice(0, MAX_CATEGORIES));
    const expected: Array<[string, { total: number; blocked: number }]> = names.filter((n) => kept.has(n)).map((n) => [n, { total: 0, blocked: 0 }]);
    const byName = new Map(expected);
    const other = { total: 0, blocked: 0 };
    for (const e of events) {
      const cell = byName.get(e.name) ?? other;
      cell.total++;
      if (e.blocked) cell.blocked++;
    }
    expected.push([OTHER_CATEGORY, other]);

    const tallyOf = (slice: typeof events) => {
      const t = new Tally(1);
      for (const e of slice) t.event(0, e.blocked ? BLOCK : PASS, e.name);
      return t;
    };
    const whole = tallyOf(events);
    expect(Object.entries(whole.byCategory())).toEqual(expected);
    expect(whole.capped).toBe(true);
    for (const cuts of [[1500], [100, 900, 2000, 2900], Array.from({ length: 29 }, (_, i) => (i + 1) * 100)]) {
      const merged = new Tally(1);
      [0, ...cuts].forEach((from, i) => merged.merge(tallyOf(events.slice(from, cuts[i] ?? events.length)).data()));
      expect(Object.entries(merged.byCategory()), `cut at ${cuts.join(',')}`).toEqual(expected);
    }
  });

  it('holds at most twice the cap of names at any time', () => {
    const t = new Tally(1);
    let most = 0;
    for (let i = 0; i < 50_000; i++) {
      t.event(0, PASS, `free text ${(i * 7919) % 50_000}`);
      most = Math.max(most, (t as unknown as { categories: Map<string, unknown> }).categories.size);
    }
    expect(most).toBeLessThanOrEqual(2 * MAX_CATEGORIES);
    expect(Object.keys(t.byCategory())).toHaveLength(MAX_CATEGORIES + 1);
    expect(t.byCategory()[OTHER_CATEGORY]!.total).toBe(50_000 - MAX_CATEGORIES);
  });
});
