/**
 * Masking of personal data in evidence (生成式人工智能服务管理暂行办法 Art. 11: do not keep
 * identifiable inputs longer than needed), the one implementation every check uses (safety-log
 * events, complaint snapshots). Three kinds, as the reviewer expects to see them:
 *
 * - mainland mobile numbers `1[3-9]\d{9}`, also with a `+86`/`86` prefix or written `138-1234-5678`
 *   / `138 1234 5678`: the middle four digits become `****` (`138****5678`);
 * - resident ID numbers (18 characters, the last may be X): the first 6 (region) and the last 4
 *   are kept, the 8 in between become `*` (`110101********1234`);
 * - email addresses: the local part becomes `***` (`***@example.com`).
 *
 * A number only counts when it is not part of a longer run of digits (an order number or an
 * epoch timestamp is left alone). Only ASCII email addresses are recognised.
 *
 * Every pattern is anchored with a look-behind, so the regular expression only tries to match
 * where a number or an address can start: time stays linear even on a 10 MB line of digits or
 * letters.
 */

const PHONE = String.raw`(?<![0-9])((?:\+?86[- ]?)?)(1[3-9][0-9])([- ]?)[0-9]{4}([- ]?)([0-9]{4})(?![0-9])`;
const RESIDENT_ID = String.raw`(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])`;
const EMAIL = String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)`;

/**
 * All three; email first, so `13812345678@qq.com` loses its whole local part rather than the
 * middle of a phone number. Group numbers: email 1, phone 2–6, ID 7–8.
 */
export const PII_SOURCE = `${EMAIL}|${PHONE}|${RESIDENT_ID}`;
const PII = new RegExp(PII_SOURCE, 'g');

export function maskText(text: string): string {
  PII.lastIndex = 0;
  return text.replace(PII, (...m: unknown[]) => maskMatch(m));
}

/** The masked form of one PII match, from the replacer's arguments (match, groups…). */
export function maskMatch(m: unknown[]): string {
  if (m[1] !== undefined) return `***@${m[1] as string}`;
  if (m[3] !== undefined) return `${m[2] as string}${m[3] as string}${m[4] as string}****${m[5] as string}${m[6] as string}`;
  return `${m[7] as string}********${m[8] as string}`;
}

/**
 * Masks every string inside `value`, keys included (objects and arrays deeply), except the values
 * of the top-level fields in `keep` (a complaint's own id, say, which must stay matchable). A
 * number with the shape of a mobile or ID number (an integer of 11 digits starting 13–19, or of
 * 18 digits) becomes a masked string, as src/logs/mask.ts does in event lines: privacy wins over
 * the field's type.
 */
export function maskValue<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
  return maskDeep(value, keep, true) as T;
}

const NUMBER_PII = /^(?:1[3-9][0-9]{9}|[0-9]{18})$/;

function maskDeep(value: unknown, keep: ReadonlySet<string>, top: boolean): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value === 'number') return Number.isInteger(value) && NUMBER_PII.test(String(value)) ? maskText(String(value)) : value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, keep, false));
  if (value && typeof value === 'object') {
    // fromEntries defines each key as an own property: a `__proto__` key is kept like any other.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => (top && keep.has(k) ? [k, v] : [maskText(k), maskDeep(v, keep, false)])));
  }
  return value;
}
