import { categoryOf, quoteValue, type CollectContext } from './context.js';
import { JsonFieldScanner, ScanResult, ValueKind } from './json-scan.js';
import type { LineHandler } from './lines.js';
import { piiCandidates } from './pii-candidates.js';
import type { VerdictCode } from './tally.js';

/**
 * Reads JSONL events: one JSON object per line. The fast path (json-scan.ts) reads the
 * timestamp and verdict straight from the bytes; any line the scanner does not accept goes
 * through `JSON.parse`, which decides whether it is malformed and why. Both paths apply the same
 * rules, so which one read a line never changes the counts.
 */
export function jsonlLineHandler(ctx: CollectContext, file: string): LineHandler {
  const { ts: tsField, verdict: verdictField, category: categoryField } = ctx.fields;
  const scanner = new JsonFieldScanner([tsField, verdictField, categoryField], ctx.sink?.masking ?? false);
  const { start, end, kind } = scanner;
  const bad = (line: number, reason: string) => ctx.malformed(file, line, reason);

  return (buf, s, e, lineNo) => {
    if (isBlank(buf, s, e)) return;
    ctx.tally.lines++;
    if (scanner.scan(buf, s, e) !== ScanResult.Ok) return slowLine(ctx, file, buf, s, e, lineNo);

    let ms: number;
    switch (kind[0]) {
      case ValueKind.String:
        ms = ctx.ts.fromBytes(buf, start[0]!, end[0]!);
        break;
      case ValueKind.Number:
        ms = ctx.ts.fromNumber(Number(buf.toString('latin1', start[0]!, end[0]!)));
        break;
      case ValueKind.EscapedString:
        ms = ctx.ts.fromString(decodeString(buf, start[0]!, end[0]!));
        break;
      case ValueKind.Absent:
        return bad(lineNo, `no "${tsField}" field`);
      default:
        return bad(lineNo, `"${tsField}" is neither an ISO-8601 string nor epoch milliseconds`);
    }
    if (Number.isNaN(ms)) return bad(lineNo, ctx.ts.reason);
    if (!ctx.inPeriod(ms)) {
      ctx.tally.outside++;
      return;
    }

    let verdict: VerdictCode | -1;
    if (kind[1] === ValueKind.String) verdict = ctx.verdicts.fromBytes(buf, start[1]!, end[1]!);
    else if (kind[1] === ValueKind.EscapedString) verdict = ctx.verdicts.fromString(decodeString(buf, start[1]!, end[1]!));
    else if (kind[1] === ValueKind.Absent) return bad(lineNo, `no "${verdictField}" field`);
    else return bad(lineNo, `"${verdictField}" is not a string`);
    if (verdict === -1) {
      const raw = kind[1] === ValueKind.String ? buf.toString('utf8', start[1]!, end[1]!) : decodeString(buf, start[1]!, end[1]!);
      return bad(lineNo, `unknown verdict ${quoteValue(raw)}`);
    }

    let category: string | undefined;
    const ck = kind[2];
    if (ck === ValueKind.String) category = categoryOf(buf.toString('utf8', start[2]!, end[2]!));
    else if (ck === ValueKind.EscapedString) category = categoryOf(decodeString(buf, start[2]!, end[2]!));
    else if (ck === ValueKind.Number) category = categoryOf(Number(buf.toString('latin1', start[2]!, end[2]!)));
    else if (ck === ValueKind.True || ck === ValueKind.False) category = ck === ValueKind.True ? 'true' : 'false';

    ctx.count(ms, verdict, category);
    ctx.sink?.addJsonLine(buf, s, e, scanner.candidate);
  };
}

/** The full parser, for lines the scanner would not vouch for. */
function slowLine(ctx: CollectContext, file: string, buf: Buffer, s: number, e: number, lineNo: number): void {
  const { ts: tsField, verdict: verdictField, category: categoryField } = ctx.fields;
  let event: unknown;
  try {
    event = JSON.parse(buf.toString('utf8', s, e));
  } catch (err) {
    // V8's message quotes the line; the line may hold personal data, so only the kind is kept.
    const truncated = /end of JSON input|Unterminated/i.test(String(err));
    return ctx.malformed(file, lineNo, truncated ? 'truncated JSON (the line ends inside a value)' : 'invalid JSON');
  }
  if (!event || typeof event !== 'object' || Array.isArray(event)) return ctx.malformed(file, lineNo, 'not a JSON object');
  const record = event as Record<string, unknown>;

  const rawTs = record[tsField];
  let ms: number;
  if (typeof rawTs === 'string') ms = ctx.ts.fromString(rawTs);
  else if (typeof rawTs === 'number') ms = ctx.ts.fromNumber(rawTs);
  else if (rawTs === undefined) return ctx.malformed(file, lineNo, `no "${tsField}" field`);
  else return ctx.malformed(file, lineNo, `"${tsField}" is neither an ISO-8601 string nor epoch milliseconds`);
  if (Number.isNaN(ms)) return ctx.malformed(file, lineNo, ctx.ts.reason);
  if (!ctx.inPeriod(ms)) {
    ctx.tally.outside++;
    return;
  }

  const rawVerdict = record[verdictField];
  if (rawVerdict === undefined) return ctx.malformed(file, lineNo, `no "${verdictField}" field`);
  if (typeof rawVerdict !== 'string') return ctx.malformed(file, lineNo, `"${verdictField}" is not a string`);
  const verdict = ctx.verdicts.fromString(rawVerdict);
  if (verdict === -1) return ctx.malformed(file, lineNo, `unknown verdict ${quoteValue(rawVerdict)}`);

  ctx.count(ms, verdict, categoryOf(record[categoryField]));
  // As in the scanner: a \u escape may spell a digit or an @ that the byte shapes cannot see,
  // so such a line goes to the masker, which decodes its strings.
  ctx.sink?.addJsonLine(buf, s, e, ctx.sink.masking && (hasUnicodeEscape(buf, s, e) || piiCandidates(buf.subarray(s, e)).length > 0));
}

function hasUnicodeEscape(b: Buffer, s: number, e: number): boolean {
  for (let i = b.indexOf(0x5c, s); i >= 0 && i < e - 1; i = b.indexOf(0x5c, i + 2)) if (b[i + 1] === 0x75) return true;
  return false;
}

function decodeString(buf: Buffer, s: number, e: number): string {
  return JSON.parse(buf.toString('utf8', s - 1, e + 1)) as string;
}

function isBlank(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}
