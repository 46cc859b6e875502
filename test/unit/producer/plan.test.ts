import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { missedPeriods } from '../../../src/producer/catch-up.js';
import { desiredSchedules } from '../../../src/producer/desired.js';
import { planIsEmpty, planReconcile, type ExistingSchedule } from '../../../src/producer/plan.js';
import { minimalConfig } from '../../helpers/minimal-config.js';

const config = (checks: string) => minimalConfig(checks);

const two = config(`  - { id: a, type: policy-freshness, service: s, cron: "0 10 * * 1" }
  - { id: b, type: safety-logs, service: s, cron: "0 2 1 * *" }
`);

/** What Redis would hold after applying `desired`. */
const asExisting = (cfg: ReturnType<typeof config>): ExistingSchedule[] =>
  desiredSchedules(cfg).map((d) => ({ key: d.id, name: d.name, pattern: d.pattern, tz: d.tz, template: { data: { fingerprint: d.data.fingerprint } } }));

describe('reconcile plan', () => {
  it('adds everything on an empty Redis and nothing the second time', () => {
    const first = planReconcile(desiredSchedules(two), []);
    expect(first.add.map((d) => d.id)).toEqual(['a', 'b']);
    const second = planReconcile(desiredSchedules(two), asExisting(two));
    expect(planIsEmpty(second)).toBe(true);
    expect(second.unchanged.map((d) => d.id)).toEqual(['a', 'b']);
  });

  it('updates a changed cron, retries or zone, and says why', () => {
    const changed = config(`  - { id: a, type: policy-freshness, service: s, cron: "0 11 * * 1" }
  - { id: b, type: safety-logs, service: s, cron: "0 2 1 * *", retries: 5 }
`);
    const plan = planReconcile(desiredSchedules(changed), asExisting(two));
    expect(plan.update.map((u) => [u.desired.id, u.why])).toEqual([
      ['a', 'cron 0 10 * * 1 → 0 11 * * 1'],
      ['b', 'retries, backoff or job data changed'],
    ]);
    const moved = asExisting(two).map((e) => ({ ...e, tz: 'Europe/Berlin' }));
    expect(planReconcile(desiredSchedules(two), moved).update.map((u) => u.why)).toEqual([
      'timezone Europe/Berlin → Asia/Shanghai',
      'timezone Europe/Berlin → Asia/Shanghai',
    ]);
  });

  it('removes schedulers config no longer wants, including disabled checks', () => {
    const one = config(`  - { id: a, type: policy-freshness, service: s, cron: "0 10 * * 1" }
  - { id: b, type: safety-logs, service: s, cron: "0 2 1 * *", enabled: false }
`);
    const plan = planReconcile(desiredSchedules(one), [...asExisting(two), { key: 'old-check', pattern: '* * * * *' }]);
    expect(plan.remove.map((e) => e.key)).toEqual(['b', 'old-check']);
    expect(plan.unchanged.map((d) => d.id)).toEqual(['a']);
  });
});

describe('missed periods', () => {
  const now = DateTime.fromISO('2026-11-29T12:00:00+08:00', { setZone: true });
  const monthly = (extra = '') => config(`  - { id: b, type: safety-logs, service: s, cron: "0 2 1 * *"${extra} }\n`).checks[0]!;
  const daily = (extra = '') => config(`  - { id: a, type: policy-freshness, service: s, cron: "0 10 * * *"${extra} }\n`).checks[0]!;

  it('monthly checks catch up every missing month in the window, oldest first', () => {
    const missed = missedPeriods(monthly(), 'Asia/Shanghai', now, new Set());
    expect(missed.map((m) => [m.periodKey, m.scheduledAt.toISO()])).toEqual([
      ['2026-09', '2026-10-01T02:00:00.000+08:00'],
      ['2026-10', '2026-11-01T02:00:00.000+08:00'],
    ]);
    expect(missedPeriods(monthly(), 'Asia/Shanghai', now, new Set(['2026-09'])).map((m) => m.periodKey)).toEqual(['2026-10']);
    expect(missedPeriods(monthly(', catchUpDays: 100'), 'Asia/Shanghai', now, new Set()).map((m) => m.periodKey)).toEqual(['2026-08', '2026-09', '2026-10']);
  });

  it('daily checks catch up only the latest day by default; skip catches up nothing', () => {
    expect(missedPeriods(daily(), 'Asia/Shanghai', now, new Set()).map((m) => m.periodKey)).toEqual(['2026-11-29']);
    // Once the latest day has a result, nothing is missed: older days are not walked back.
    expect(missedPeriods(daily(), 'Asia/Shanghai', now, new Set(['2026-11-29']))).toEqual([]);
    expect(missedPeriods(daily(), 'Asia/Shanghai', now, new Set(['2026-11-28']))).toMatchObject([{ periodKey: '2026-11-29' }]);
    expect(missedPeriods(daily(', missed: skip'), 'Asia/Shanghai', now, new Set())).toEqual([]);
    // The window is 3 × 24 h back from now (12:00): the 26th's 10:00 fire lies outside it.
    expect(missedPeriods(daily(', missed: all, catchUpDays: 3'), 'Asia/Shanghai', now, new Set()).map((m) => m.periodKey)).toEqual([
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
  });
});
