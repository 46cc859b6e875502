/**
 * Offsets (ascending) in `b` where personal data may be, by the shapes mask.ts looks for:
 * - an `@` (email);
 * - a run of exactly 11 digits (mobile), 13 starting with 86 (mobile with the country code),
 *   18 digits or 17 and an X (resident ID);
 * - a run of 3–13 digits starting with 1 or 8 that goes on after a `-` or a space and a digit
 *   (a mobile number written in groups, with or without +86).
 * Every match of mask.ts's patterns contains one of these, so a line without any needs no
 * masking. One pass of plain byte comparisons over the batch: several times faster than running
 * the masking regular expression over every byte (measured with bench/safety-logs.ts), which
 * then only runs on the few lines that have a hit.
 */
export function piiCandidates(b: Uint8Array): number[] {
  const hits: number[] = [];
  let run = 0;
  let runStart = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      if (run++ === 0) runStart = i;
      continue;
    }
    if (run) {
      if (endsCandidateRun(b, runStart, run, c, b[i + 1])) hits.push(runStart);
      run = 0;
    }
    if (c === 0x40) hits.push(i);
  }
  if (run && endsCandidateRun(b, runStart, run, undefined, undefined)) hits.push(runStart);
  return hits;
}

/** A digit run of `run` bytes at `start`, followed by byte `next` and then `after`. */
export function endsCandidateRun(b: Uint8Array, start: number, run: number, next: number | undefined, after: number | undefined): boolean {
  if (run === 11 || run === 18) return true;
  if (run === 17) return next === 0x58 || next === 0x78; // X x
  const first = b[start];
  if (run === 13 && first === 0x38 && b[start + 1] === 0x36) return true; // 86…
  return (
    run >= 3 &&
    run <= 13 &&
    (first === 0x31 || first === 0x38) &&
    (next === 0x2d || next === 0x20) &&
    after !== undefined &&
    after >= 0x30 &&
    after <= 0x39
  );
}

/** A JSON number token b[s, e) that mask.ts would mask: exactly 11 or 18 digits. */
export function isCandidateNumber(b: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  if (len !== 11 && len !== 18) return false;
  for (let i = s; i < e; i++) if (b[i]! < 0x30 || b[i]! > 0x39) return false;
  return true;
}
