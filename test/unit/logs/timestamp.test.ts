import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { TimestampReader } from '../../../src/logs/timestamp.js';

const ms = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();

describe('TimestampReader', () => {
  const sh = new TimestampReader('Asia/Shanghai');

  it.each([
    ['2026-10-01T00:00:00+08:00', '2026-09-30T16:00:00Z'],
    ['2026-09-30T16:30:00Z', '2026-09-30T16:30:00Z'],
    ['2026-09-30t16:30:00z', '2026-09-30T16:30:00Z'],
    ['2026-10-01 08:00:00.123456+0800', '2026-10-01T00:00:00.123Z'],
    ['2026-10-01T08:00:00,5+08', '2026-10-01T00:00:00.500Z'],
    ['2026-10-01T03:30-04:30', '2026-10-01T08:00:00Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00Z'],
    ['1790000000000', '2026-09-21T14:13:20Z'],
    ['  2026-10-01T00:00:00Z  ', '2026-10-01T00:00:00Z'],
  ])('reads %s', (text, expected) => {
    expect(sh.fromString(text)).toBe(ms(expected));
  });

  it('reads an ISO time without offset as wall-clock time in the configured zone', () => {
    expect(sh.fromString('2026-10-01T00:00:00')).toBe(ms('2026-09-30T16:00:00Z'));
    expect(sh.fromString('2026-10-01 00:00:00.250')).toBe(ms('2026-09-30T16:00:00.250Z'));
    const berlin = new TimestampReader('Europe/Berlin');
    expect(berlin.fromString('2026-07-01T12:00:00')).toBe(ms('2026-07-01T10:00:00Z')); // CEST
    expect(berlin.fromString('2026-12-01T12:00:00')).toBe(ms('2026-12-01T11:00:00Z')); // CET
    // 2026-03-29 02:30 does not exist in Berlin: it moves forward, as luxon reads it.
    expect(berlin.fromString('2026-03-29T02:30:00')).toBe(DateTime.fromISO('2026-03-29T02:30:00', { zone: 'Europe/Berlin' }).toMillis());
    // 2026-10-25 02:30 happens twice: the second (standard-time) instant, as luxon reads it.
    expect(berlin.fromString('2026-10-25T02:30:00')).toBe(DateTime.fromISO('2026-10-25T02:30:00', { zone: 'Europe/Berlin' }).toMillis());
    expect(berlin.fromString('2026-10-25T02:30:00')).toBe(ms('2026-10-25T01:30:00Z'));
  });

  it('reads epoch milliseconds as numbers and refuses epoch seconds', () => {
    expect(sh.fromNumber(1790000000000)).toBe(1790000000000);
    expect(sh.fromNumber(1790000000000.7)).toBe(1790000000000);
    expect(sh.fromNumber(1790000000)).toBeNaN();
    expect(sh.reason).toMatch(/epoch seconds/);
    expect(sh.fromString('1790000000')).toBeNaN();
  });

  it('never quotes the value in a reason: a phone or ID number in a timestamp field stays out of the samples', () => {
    for (const value of [13812345678, 1e20, 110101199003071234]) {
      expect(sh.fromNumber(value)).toBeNaN();
      expect(sh.reason).not.toMatch(/\d{5}/);
    }
    expect(sh.fromString('13812345678')).toBeNaN();
    expect(sh.reason).not.toContain('13812345678');
  });

  it.each([
    ['2026-13-01T00:00:00Z', /valid date/],
    ['2026-02-29T00:00:00Z', /valid date/],
    ['2026-10-01T24:00:00Z', /valid date/],
    ['2026-10-01T10:60:00Z', /valid date/],
    ['2026-10-01T10:00:61Z', /seconds/],
    ['2026-10-01', /ISO-8601/],
    ['2026-10-01X10:00:00Z', /time of day/],
    ['2026-10-01T10:00:00+8', /offset/],
    ['2026-10-01T10:00:00+08:00 extra', /offset/],
    ['2026-10-01T10:00:00.Z', /fraction/],
    ['2026-10-01T10:00:00Zjunk', /trailing/],
    ['yesterday', /ISO-8601/],
    ['２０２６-10-01T00:00:00Z', /non-ASCII/],
  ])('refuses %s with a reason', (text, reason) => {
    expect(sh.fromString(text)).toBeNaN();
    expect(sh.reason).toMatch(reason);
  });
});
