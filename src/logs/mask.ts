/**
 * Masking of personal data in archived events (生成式人工智能服务管理暂行办法 Art. 11: do not
 * keep identifiable inputs longer than needed). Three kinds, as the reviewer expects to see them:
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
const PII_SOURCE = `${EMAIL}|${PHONE}|${RESIDENT_ID}`;
const PII = new RegExp(PII_SOURCE, 'g');

export function maskText(text: string): string {
  PII.lastIndex = 0;
  return text.replace(PII, (...m: unknown[]) => masked(m));
}

/** The masked form of one PII match, from the replacer's arguments (match, groups…). */
function masked(m: unknown[]): string {
  if (m[1] !== undefined) return `***@${m[1] as string}`;
  if (m[3] !== undefined) return `${m[2] as string}${m[3] as string}${m[4] as string}****${m[5] as string}${m[6] as string}`;
  return `${m[7] as string}********${m[8] as string}`;
}

/** Numbers written as JSON numbers that have the shape of a mobile or ID number. */
const NUMBER_PII = /(?<![0-9.eE+-])(1[3-9][0-9]{9}|[0-9]{18})(?![0-9.eE])/g;

/**
 * Masks every string (keys included) of one line of valid JSON, keeping the rest of the line
 * byte for byte. A mobile or ID number stored as a JSON number becomes a masked string: privacy
 * wins over the field's type.
 */
export function maskJsonText(line: string): string {
  return line.includes('\\') ? maskJsonTokens(line) : maskJsonPlain(line);
}

/**
 * A line without backslashes: every quote delimits a string, and no pattern can match across a
 * quote, so one pass over the whole line does it. A match outside the strings is a number: it is
 * masked (and quoted) only when it is a whole number token of 11 or 18 digits, exactly as
 * maskJsonTokens decides.
 */
function maskJsonPlain(line: string): string {
  let quotes = 0;
  let counted = 0;
  PII.lastIndex = 0;
  return line.replace(PII, (...m: unknown[]) => {
    const match = m[0] as string;
    const offset = m[m.length - 2] as number;
    for (let q = line.indexOf('"', counted); q >= 0 && q < offset; q = line.indexOf('"', q + 1)) {
      quotes++;
      counted = q + 1;
    }
    if (quotes % 2 === 1) return masked(m);
    return isNumberToken(line, offset, match) ? JSON.stringify(masked(m)) : match;
  });
}

function isNumberToken(line: string, offset: number, match: string): boolean {
  NUMBER_PII.lastIndex = 0;
  const m = NUMBER_PII.exec(line.slice(Math.max(0, offset - 1), offset + match.length + 1));
  return m !== null && m[0] === match;
}

/** Any line of valid JSON: string tokens one by one, decoding those with escapes. */
export function maskJsonTokens(line: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = line.indexOf('"', pos);
    out += maskNumbers(line.slice(pos, open < 0 ? line.length : open));
    if (open < 0) return out;
    // The closing quote is the next one not escaped by an odd run of backslashes.
    let close = line.indexOf('"', open + 1);
    let escaped = false;
    while (close > 0 && isEscaped(line, close)) {
      escaped = true;
      close = line.indexOf('"', close + 1);
    }
    if (close < 0) return out + line.slice(open); // not valid JSON; callers only pass valid lines
    const token = line.slice(open, close + 1);
    if (!escaped && !token.includes('\\')) {
      out += '"' + maskText(token.slice(1, -1)) + '"';
    } else {
      const value = JSON.parse(token) as string;
      const masked = maskText(value);
      out += masked === value ? token : JSON.stringify(masked);
    }
    pos = close + 1;
  }
}

function maskNumbers(segment: string): string {
  if (segment.length < 11) return segment;
  NUMBER_PII.lastIndex = 0;
  return segment.replace(NUMBER_PII, (n) => JSON.stringify(maskText(n)));
}

function isEscaped(s: string, quote: number): boolean {
  let n = 0;
  for (let i = quote - 1; i >= 0 && s.charCodeAt(i) === 0x5c; i--) n++;
  return n % 2 === 1;
}

/** Masks every string inside a value (for events built from CSV rows). */
export function maskValue<T>(value: T): T {
  if (typeof value === 'string') return maskText(value) as T;
  if (Array.isArray(value)) return value.map(maskValue) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[maskText(k)] = maskValue(v);
    return out as T;
  }
  return value;
}
