import { DateTime } from 'luxon';

/**
 * Event timestamps → epoch milliseconds, fast enough to run on every line of a month.
 *
 * Accepted (spec 4.1 plus the forms log writers actually produce):
 * - ISO-8601 `YYYY-MM-DD[T| ]HH:MM[:SS[.fff…]]` followed by `Z` or an offset `±HH:MM`, `±HHMM`,
 *   `±HH`. Parsed by hand: luxon's parser costs microseconds per call, which at millions of
 *   events a month is most of the budget.
 * - The same without an offset: read as wall-clock time in the configured zone (as luxon reads
 *   it: a time skipped by a DST change moves forward, a repeated one is the second, standard-time,
 *   instant).
 * - Epoch milliseconds: a JSON number or a string of digits. A value below 1e11 (before March
 *   1973) is refused, because it is almost always epoch *seconds* and would otherwise silently
 *   land outside every period.
 *
 * Every failure returns NaN and leaves a short English reason in `reason` (it goes into the
 * malformed-line samples, so it never quotes the value). The complaint ledger reads its times
 * with the same rules (src/complaints/read.ts).
 */

const MIN_EPOCH_MS = 1e11;
const ASCII = /^[\x20-\x7e]*$/;
const MAX_EPOCH_MS = 8.64e15; // the limit of a JS Date

export class TimestampReader {
  reason = '';
  private readonly wallCache = new Map<number, number>();

  constructor(readonly zone: string) {}

  /** ASCII bytes b[s, e) holding an ISO string or epoch digits. */
  fromBytes(b: Uint8Array, s: number, e: number): number {
    while (s < e && b[s] === 0x20) s++;
    while (e > s && b[e - 1] === 0x20) e--;
    if (e - s >= 1 && e - s <= 16 && allDigits(b, s, e)) return this.fromNumber(digitsValue(b, s, e));
    return this.iso(b, s, e);
  }

  fromString(text: string): number {
    // Latin-1 encoding keeps only the low byte of each character: refuse what is not ASCII first.
    if (!ASCII.test(text)) return this.fail('timestamp contains non-ASCII characters');
    return this.fromBytes(Buffer.from(text, 'latin1'), 0, text.length);
  }

  fromNumber(n: number): number {
    if (!Number.isFinite(n)) return this.fail('timestamp is not a finite number');
    // Reasons never echo the value: a number in a timestamp field may be a phone number.
    if (n < MIN_EPOCH_MS) return this.fail('timestamp is a number below 10^11, not epoch milliseconds (epoch seconds?)');
    if (n > MAX_EPOCH_MS) return this.fail('timestamp is a number out of range');
    return Math.floor(n);
  }

  private iso(b: Uint8Array, s: number, e: number): number {
    // YYYY-MM-DD
    if (e - s < 16 || b[s + 4] !== 0x2d || b[s + 7] !== 0x2d) return this.fail('timestamp is not ISO-8601 (YYYY-MM-DDTHH:MM:SS±HH:MM) or epoch milliseconds');
    const year = num(b, s, 4);
    const month = num(b, s + 5, 2);
    const day = num(b, s + 8, 2);
    const sep = b[s + 10];
    if (sep !== 0x54 && sep !== 0x74 && sep !== 0x20) return this.fail('timestamp has no time of day (expected T or a space after the date)');
    const hour = num(b, s + 11, 2);
    const minute = b[s + 13] === 0x3a ? num(b, s + 14, 2) : -1;
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
      return this.fail('timestamp is not a valid date and time');
    }
    let i = s + 16;
    let second = 0;
    let millis = 0;
    if (i < e && b[i] === 0x3a) {
      second = i + 3 <= e ? num(b, i + 1, 2) : -1;
      if (second < 0 || second > 59) return this.fail('timestamp has invalid seconds');
      i += 3;
      if (i < e && (b[i] === 0x2e || b[i] === 0x2c)) {
        i++;
        const fracStart = i;
        let scale = 100;
        while (i < e && isDigit(b[i]!)) {
          millis += (b[i]! - 0x30) * scale;
          scale /= 10;
          i++;
        }
        if (i === fracStart) return this.fail('timestamp has an empty fraction of a second');
        millis = Math.floor(millis);
      }
    }
    const wall = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis;
    if (i === e) return this.wallToEpoch(wall);
    const z = b[i];
    if ((z === 0x5a || z === 0x7a) && i + 1 === e) return wall;
    if (z !== 0x2b && z !== 0x2d) return this.fail('timestamp has trailing text after the time (expected Z or ±HH:MM)');
    const oh = num(b, i + 1, 2);
    let om = 0;
    const rest = e - (i + 3);
    if (rest === 3 && b[i + 3] === 0x3a) om = num(b, i + 4, 2);
    else if (rest === 2) om = num(b, i + 3, 2);
    else if (rest !== 0) return this.fail('timestamp has an invalid UTC offset (expected ±HH:MM)');
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return this.fail('timestamp has an invalid UTC offset (expected ±HH:MM)');
    const offset = (oh * 60 + om) * 60_000;
    return z === 0x2b ? wall - offset : wall + offset;
  }

  /** A wall-clock time in the configured zone → epoch ms; the zone's offset is cached per minute. */
  private wallToEpoch(wall: number): number {
    const minute = Math.floor(wall / 60_000);
    let start = this.wallCache.get(minute);
    if (start === undefined) {
      const w = new Date(minute * 60_000);
      const dt = DateTime.fromObject(
        { year: w.getUTCFullYear(), month: w.getUTCMonth() + 1, day: w.getUTCDate(), hour: w.getUTCHours(), minute: w.getUTCMinutes() },
        { zone: this.zone },
      );
      start = dt.toMillis();
      if (this.wallCache.size > 100_000) this.wallCache.clear();
      this.wallCache.set(minute, start);
    }
    return start + (wall - minute * 60_000);
  }

  private fail(reason: string): number {
    this.reason = reason;
    return NaN;
  }
}

function num(b: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let j = 0; j < len; j++) {
    const c = b[at + j];
    if (c === undefined || c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

function allDigits(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isDigit(b[i]!)) return false;
  return true;
}

function digitsValue(b: Uint8Array, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 10 + (b[i]! - 0x30);
  return v;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm; no Date.UTC two-digit-year quirk). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
