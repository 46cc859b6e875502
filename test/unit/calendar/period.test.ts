import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { fireTimesBetween, nextFireTimes, previousFireTime } from '../../../src/calendar/cron.js';
import { parsePeriodKey, periodFor, scheduledInstantFor, serializePeriod } from '../../../src/calendar/period.js';

const at = (iso: string) => DateTime.fromISO(iso, { setZone: true });

describe('periods from the scheduled instant', () => {
  it.each([
    // Asia/Shanghai: UTC+8, no DST. 2026-09-30T16:30Z is already October 1st 00:30 local.
    ['2026-11-01T02:00:00+08:00', 'Asia/Shanghai', '2026-10', '2026-10-01T00:00:00.000+08:00', '2026-11-01T00:00:00.000+08:00'],
    ['2026-10-31T16:00:00Z', 'Asia/Shanghai', '2026-10', '2026-10-01T00:00:00.000+08:00', '2026-11-01T00:00:00.000+08:00'],
    ['2026-10-31T15:59:59.999Z', 'Asia/Shanghai', '2026-09', '2026-09-01T00:00:00.000+08:00', '2026-10-01T00:00:00.000+08:00'],
    ['2027-01-01T02:00:00+08:00', 'Asia/Shanghai', '2026-12', '2026-12-01T00:00:00.000+08:00', '2027-01-01T00:00:00.000+08:00'],
    // Europe/Berlin: October 2026 has the autumn DST change (Oct 25), so the month is 31 days + 1 hour.
    ['2026-11-01T02:00:00+01:00', 'Europe/Berlin', '2026-10', '2026-10-01T00:00:00.000+02:00', '2026-11-01T00:00:00.000+01:00'],
    ['2026-04-01T00:30:00+02:00', 'Europe/Berlin', '2026-03', '2026-03-01T00:00:00.000+01:00', '2026-04-01T00:00:00.000+02:00'],
  ])('previous month of %s in %s is %s', (instant, zone, key, start, end) => {
    expect(serializePeriod(periodFor('previous-month', at(instant), zone))).toEqual({ key, start, end });
  });

  it('a day period is the local calendar day of the instant', () => {
    expect(periodFor('day', at('2026-09-30T16:30:00Z'), 'Asia/Shanghai').key).toBe('2026-10-01');
    expect(periodFor('day', at('2026-09-30T16:30:00Z'), 'Europe/Berlin').key).toBe('2026-09-30');
    const dstDay = periodFor('day', at('2026-10-25T12:00:00+01:00'), 'Europe/Berlin');
    expect(dstDay.end.diff(dstDay.start, 'hours').hours).toBe(25);
  });

  it('parses period keys for the check kind and rejects the others', () => {
    expect(parsePeriodKey('previous-month', '2026-10', 'Asia/Shanghai')?.start.toISO()).toBe('2026-10-01T00:00:00.000+08:00');
    expect(parsePeriodKey('previous-month', '2026-10-05', 'Asia/Shanghai')).toBeUndefined();
    expect(parsePeriodKey('day', '2026-10', 'Asia/Shanghai')).toBeUndefined();
    expect(parsePeriodKey('day', '2026-02-30', 'Asia/Shanghai')).toBeUndefined();
    expect(parsePeriodKey('day', '2026-2-3', 'Asia/Shanghai')).toBeUndefined();
  });

  it('maps a period back to the instant its schedule fires for it', () => {
    const z = 'Asia/Shanghai';
    const oct = parsePeriodKey('previous-month', '2026-10', z)!;
    expect(scheduledInstantFor('previous-month', oct, '0 2 1 * *', z).toISO()).toBe('2026-11-01T02:00:00.000+08:00');
    const day = parsePeriodKey('day', '2026-11-30', z)!;
    expect(scheduledInstantFor('day', day, '0 9 * * *', z).toISO()).toBe('2026-11-30T09:00:00.000+08:00');
    // A weekly check asked about a day it does not fire on: the start of that day.
    const tuesday = parsePeriodKey('day', '2026-12-01', z)!;
    expect(scheduledInstantFor('day', tuesday, '0 10 * * 1', z).toISO()).toBe('2026-12-01T00:00:00.000+08:00');
  });
});

describe('cron in a zone (same parser as BullMQ)', () => {
  it('fires at local times across a DST change', () => {
    const fires = nextFireTimes('0 2 * * *', 'Europe/Berlin', at('2026-03-28T12:00:00+01:00'), 3).map((d) => d.toISO());
    // 02:00 does not exist on 2026-03-29 (clocks jump to 03:00): cron-parser fires once at the shifted time.
    expect(fires).toEqual(['2026-03-29T03:00:00.000+02:00', '2026-03-30T02:00:00.000+02:00', '2026-03-31T02:00:00.000+02:00']);
  });

  it('lists fire times in a window and finds the previous one', () => {
    const z = 'Asia/Shanghai';
    const fires = fireTimesBetween('0 2 1 * *', z, at('2026-08-15T00:00:00+08:00'), at('2026-11-30T00:00:00+08:00')).map((d) => d.toISODate());
    expect(fires).toEqual(['2026-09-01', '2026-10-01', '2026-11-01']);
    expect(previousFireTime('0 2 1 * *', z, at('2026-11-01T02:00:00+08:00'))?.toISO()).toBe('2026-11-01T02:00:00.000+08:00');
    expect(previousFireTime('0 2 1 * *', z, at('2026-11-01T01:59:59+08:00'))?.toISO()).toBe('2026-10-01T02:00:00.000+08:00');
  });
});
