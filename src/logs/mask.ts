import { maskMatch, maskText, PII_SOURCE } from '../lib/mask.js';

/**
 * Masking of one JSONL event line for the archived `events.jsonl.gz`, on top of the shared
 * masking rules in src/lib/mask.ts: strings are masked in place and the rest of the line stays
 * byte for byte, so an event with nothing to mask is archived exactly as it was read.
 */

// This module's own instance: a global regex carries lastIndex state.
const PII = new RegExp(PII_SOURCE, 'g');

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
    if (quotes % 2 === 1) return maskMatch(m);
    return isNumberToken(line, offset, match) ? JSON.stringify(maskMatch(m)) : match;
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
