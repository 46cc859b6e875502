/**
 * Masks personal data in evidence (暂行办法 Art. 11: identifiable inputs are not kept longer than
 * needed): mainland mobile numbers, 18-character resident ID numbers and email addresses, in
 * free text. Enough stays visible to tell records apart and to match one against the source.
 *
 *   13812345678            → 138****5678
 *   +86 138-1234-5678      → +86 138****5678
 *   110101199003071234     → 110101********1234
 *   zhang.san@example.com  → z***@example.com
 *
 * An ID must carry a plausible birth date (19xx/20xx, month 01–12, day 01–31) so that order
 * numbers of 18 digits stay readable; a number glued to other digits or letters is left alone
 * (it is not a phone number). ID numbers go first, then emails (a phone number used as an email
 * local part goes with the email), then phone numbers.
 */

const RESIDENT_ID = /(?<![0-9A-Za-z])(\d{6})(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(\d{3}[\dXx])(?![0-9A-Za-z])/g;
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
const MOBILE = /(?<![0-9A-Za-z])((?:\+?86[- ]?)?1[3-9]\d)[- ]?\d{4}[- ]?(\d{4})(?![0-9A-Za-z])/g;

export function maskText(text: string): string {
  return text.replace(RESIDENT_ID, '$1********$2').replace(EMAIL, '$1***@$2').replace(MOBILE, '$1****$2');
}

/** Masks every string inside `value` (objects and arrays deeply), except the top-level keys in `keep`. */
export function maskValue<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
  return maskDeep(value, keep, true) as T;
}

function maskDeep(value: unknown, keep: ReadonlySet<string>, top: boolean): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, keep, false));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = top && keep.has(k) ? v : maskDeep(v, keep, false);
    return out;
  }
  return value;
}
