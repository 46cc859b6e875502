import { endsCandidateRun, isCandidateNumber } from './pii-candidates.js';

/**
 * A validating field scanner for one JSON line, working on the raw UTF-8 bytes.
 *
 * `JSON.parse` on every line of a multi-gigabyte month decodes every byte into a JS string and
 * builds an object for every event, only for the collector to read two or three fields. This
 * scanner walks the bytes once, checks the whole line against the JSON grammar (so a line it
 * accepts is exactly a line `JSON.parse` accepts) and records where the wanted top-level keys'
 * values are; nothing is decoded or allocated unless a field is read.
 *
 * When it is not sure it says so rather than guess: a key written with escapes, nesting deeper
 * than MAX_DEPTH, or anything it rejects goes to the caller's fallback (`JSON.parse`), which
 * also words the reason for a malformed line. Differences that remain on purpose: bytes that
 * are not valid UTF-8 are accepted inside strings (the decoder `JSON.parse` sees would turn them
 * into U+FFFD and accept them too).
 */

export const ValueKind = {
  Absent: 0,
  /** A string without escapes: the bytes between the quotes are the value. */
  String: 1,
  /** A string with backslash escapes: decode with JSON.parse. */
  EscapedString: 2,
  Number: 3,
  True: 4,
  False: 5,
  Null: 6,
  Object: 7,
  Array: 8,
} as const;
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

export const ScanResult = {
  Ok: 0,
  /** Not valid JSON, or not an object. */
  Invalid: 1,
  /** Valid or not, the scanner cannot tell the field values safely: use the full parser. */
  Unsure: 2,
} as const;
export type ScanResult = (typeof ScanResult)[keyof typeof ScanResult];

const MAX_DEPTH = 64;

/** What a byte means inside a string. */
const PLAIN = 0;
const QUOTE = 1;
const BACKSLASH = 2;
const CONTROL = 3;
const STRING_BYTE = new Uint8Array(256);
STRING_BYTE.fill(CONTROL, 0, 0x20);
STRING_BYTE[0x22] = QUOTE;
STRING_BYTE[0x5c] = BACKSLASH;
/** The same, with digits and @ told apart (shapes of personal data, pii-candidates.ts). */
const DIGIT = 4;
const AT = 5;
const TRACKED_BYTE = STRING_BYTE.slice();
TRACKED_BYTE.fill(DIGIT, 0x30, 0x3a);
TRACKED_BYTE[0x40] = AT;
/** Returned by the value scanners instead of a position. */
const BAD = -1;
const UNSURE = -2;

export class JsonFieldScanner {
  /** Per wanted key: where its value starts and ends (end exclusive; strings without the quotes). */
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly kind: Uint8Array;
  private readonly keys: Uint8Array[];
  private escaped = false;
  /**
   * After an Ok scan with `trackPii`: whether any string or number of the line has a shape of
   * personal data (pii-candidates.ts). Found in the same pass, so masking costs nothing for the
   * lines that need none.
   */
  candidate = false;

  constructor(
    keys: string[],
    private readonly trackPii = false,
  ) {
    this.keys = keys.map((k) => Buffer.from(k, 'utf8'));
    this.start = new Int32Array(keys.length);
    this.end = new Int32Array(keys.length);
    this.kind = new Uint8Array(keys.length);
  }

  /** Scans `b[from, to)`; on Ok the wanted fields are in start/end/kind (last duplicate wins, as in JSON.parse). */
  scan(b: Uint8Array, from: number, to: number): ScanResult {
    this.kind.fill(ValueKind.Absent);
    this.candidate = false;
    let i = skipWs(b, from, to);
    if (i >= to || b[i] !== 0x7b /* { */) return ScanResult.Invalid;
    i = skipWs(b, i + 1, to);
    if (i < to && b[i] === 0x7d /* } */) return skipWs(b, i + 1, to) === to ? ScanResult.Ok : ScanResult.Invalid;
    for (;;) {
      if (i >= to || b[i] !== 0x22) return ScanResult.Invalid;
      const keyStart = i + 1;
      const keyEnd = this.string(b, keyStart, to);
      if (keyEnd < 0) return ScanResult.Invalid;
      const wanted = this.escaped ? -2 : this.match(b, keyStart, keyEnd - 1);
      if (wanted === -2) return ScanResult.Unsure; // an escaped key might be a wanted one
      i = skipWs(b, keyEnd, to);
      if (i >= to || b[i] !== 0x3a /* : */) return ScanResult.Invalid;
      i = skipWs(b, i + 1, to);
      if (i >= to) return ScanResult.Invalid;
      const c = b[i]!;
      let kind: ValueKind;
      let vStart = i;
      let next: number;
      if (c === 0x22) {
        vStart = i + 1;
        next = this.string(b, vStart, to);
        kind = this.escaped ? ValueKind.EscapedString : ValueKind.String;
      } else {
        next = this.value(b, i, to, 1);
        kind = c === 0x7b ? ValueKind.Object : c === 0x5b ? ValueKind.Array : c === 0x74 ? ValueKind.True : c === 0x66 ? ValueKind.False : c === 0x6e ? ValueKind.Null : ValueKind.Number;
      }
      if (next === UNSURE) return ScanResult.Unsure;
      if (next < 0) return ScanResult.Invalid;
      if (wanted >= 0) {
        this.kind[wanted] = kind;
        this.start[wanted] = vStart;
        this.end[wanted] = kind === ValueKind.String || kind === ValueKind.EscapedString ? next - 1 : next;
      }
      i = skipWs(b, next, to);
      if (i >= to) return ScanResult.Invalid;
      if (b[i] === 0x2c /* , */) {
        i = skipWs(b, i + 1, to);
        continue;
      }
      if (b[i] === 0x7d) return skipWs(b, i + 1, to) === to ? ScanResult.Ok : ScanResult.Invalid;
      return ScanResult.Invalid;
    }
  }

  /** Index of the wanted key equal to b[s, e), or -1. */
  private match(b: Uint8Array, s: number, e: number): number {
    const len = e - s;
    outer: for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k]!;
      if (key.length !== len) continue;
      for (let j = 0; j < len; j++) if (key[j] !== b[s + j]) continue outer;
      return k;
    }
    return -1;
  }

  /**
   * A string body starting after its opening quote; returns the index after the closing quote.
   * Sets `escaped` when the string holds a (valid) escape.
   */
  private string(b: Uint8Array, i: number, to: number): number {
    this.escaped = false;
    if (this.trackPii) return this.stringTracked(b, i, to);
    for (;;) {
      // Most bytes are plain string content: one table look-up each to skip them.
      let c = 0;
      while (i < to && (c = STRING_BYTE[b[i]!]!) === PLAIN) i++;
      if (i >= to) return BAD;
      if (c === QUOTE) return i + 1;
      if (c === CONTROL) return BAD;
      const next = this.escape(b, i, to);
      if (next < 0) return BAD;
      i = next;
    }
  }

  /** A valid escape at b[i] (a backslash): the index after it, or BAD. */
  private escape(b: Uint8Array, i: number, to: number): number {
    this.escaped = true;
    const e = b[i + 1];
    if (e === 0x75 /* u */) {
      if (i + 6 > to || !isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) return BAD;
      return i + 6;
    }
    // " \ / b f n r t
    if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) return i + 2;
    return BAD;
  }


  /** `string` that also watches for shapes of personal data (a separate loop keeps `string` lean). */
  private stringTracked(b: Uint8Array, i: number, to: number): number {
    for (;;) {
      let c = 0;
      while (i < to && (c = TRACKED_BYTE[b[i]!]!) === PLAIN) i++;
      if (i >= to) return BAD;
      if (c === QUOTE) return i + 1;
      if (c === DIGIT) {
        const runStart = i;
        while (i < to && TRACKED_BYTE[b[i]!] === DIGIT) i++;
        if (!this.candidate && endsCandidateRun(b, runStart, i - runStart, b[i], b[i + 1])) this.candidate = true;
        continue;
      }
      if (c === AT) {
        this.candidate = true;
        i++;
        continue;
      }
      if (c === CONTROL) return BAD;
      // A \u escape could spell a digit or an @: let the masker decode and look.
      if (b[i + 1] === 0x75) this.candidate = true;
      const next = this.escape(b, i, to);
      if (next < 0) return BAD;
      i = next;
    }
  }


  /** Any JSON value starting at b[i] (not whitespace); returns the index after it. */
  private value(b: Uint8Array, i: number, to: number, depth: number): number {
    const c = b[i]!;
    if (c === 0x22) return this.string(b, i + 1, to);
    if (c === 0x7b || c === 0x5b) {
      if (depth > MAX_DEPTH) return UNSURE;
      return c === 0x7b ? this.object(b, i + 1, to, depth + 1) : this.array(b, i + 1, to, depth + 1);
    }
    if (c === 0x74) return literal(b, i, to, TRUE);
    if (c === 0x66) return literal(b, i, to, FALSE);
    if (c === 0x6e) return literal(b, i, to, NULL);
    const end = number(b, i, to);
    if (this.trackPii && end > 0 && isCandidateNumber(b, i, end)) this.candidate = true;
    return end;
  }

  private object(b: Uint8Array, i: number, to: number, depth: number): number {
    i = skipWs(b, i, to);
    if (i < to && b[i] === 0x7d) return i + 1;
    for (;;) {
      if (i >= to || b[i] !== 0x22) return BAD;
      i = this.string(b, i + 1, to);
      if (i < 0) return i;
      i = skipWs(b, i, to);
      if (i >= to || b[i] !== 0x3a) return BAD;
      i = skipWs(b, i + 1, to);
      if (i >= to) return BAD;
      i = this.value(b, i, to, depth);
      if (i < 0) return i;
      i = skipWs(b, i, to);
      if (i >= to) return BAD;
      if (b[i] === 0x2c) {
        i = skipWs(b, i + 1, to);
        continue;
      }
      return b[i] === 0x7d ? i + 1 : BAD;
    }
  }

  private array(b: Uint8Array, i: number, to: number, depth: number): number {
    i = skipWs(b, i, to);
    if (i < to && b[i] === 0x5d) return i + 1;
    for (;;) {
      if (i >= to) return BAD;
      i = this.value(b, i, to, depth);
      if (i < 0) return i;
      i = skipWs(b, i, to);
      if (i >= to) return BAD;
      if (b[i] === 0x2c) {
        i = skipWs(b, i + 1, to);
        continue;
      }
      return b[i] === 0x5d ? i + 1 : BAD;
    }
  }
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function literal(b: Uint8Array, i: number, to: number, word: Uint8Array): number {
  if (i + word.length > to) return BAD;
  for (let j = 0; j < word.length; j++) if (b[i + j] !== word[j]) return BAD;
  return i + word.length;
}

/** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
function number(b: Uint8Array, i: number, to: number): number {
  if (b[i] === 0x2d) i++;
  if (i >= to) return BAD;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i]!)) while (i < to && isDigit(b[i]!)) i++;
  else return BAD;
  if (i < to && b[i] === 0x2e) {
    i++;
    if (i >= to || !isDigit(b[i]!)) return BAD;
    while (i < to && isDigit(b[i]!)) i++;
  }
  if (i < to && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < to && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    if (i >= to || !isDigit(b[i]!)) return BAD;
    while (i < to && isDigit(b[i]!)) i++;
  }
  return i;
}

function skipWs(b: Uint8Array, i: number, to: number): number {
  while (i < to) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
