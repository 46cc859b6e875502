import { categoryOf, quoteValue, type CollectContext } from './context.js';
import { CsvRecordReader, type CsvRecord } from './csv.js';
import type { LineHandler } from './lines.js';

/** The file cannot be read as events at all (a CSV header without the timestamp column). */
export class SourceFormatError extends Error {}

export interface RecordReader {
  onLine: LineHandler;
  /** The input ended. */
  end(): void;
}

/**
 * Reads CSV events: the first record is the header, naming the columns (mapped through
 * `fields`); every later record is an event. A header without the timestamp or verdict column
 * stops the file with a SourceFormatError, instead of reporting every row as malformed.
 */
export function csvRecordReader(ctx: CollectContext, file: string): RecordReader {
  const { ts: tsField, verdict: verdictField, category: categoryField } = ctx.fields;
  let header: string[] | undefined;
  let tsCol = -1;
  let verdictCol = -1;
  let categoryCol = -1;

  const onRecord = (rec: CsvRecord) => {
    if ('error' in rec) {
      if (header) ctx.tally.lines++;
      return ctx.malformed(file, rec.line, `bad CSV row: ${rec.error}`);
    }
    if (!header) {
      header = rec.fields.map((f) => f.trim());
      tsCol = header.indexOf(tsField);
      verdictCol = header.indexOf(verdictField);
      categoryCol = header.indexOf(categoryField);
      const missing = [tsCol < 0 ? tsField : '', verdictCol < 0 ? verdictField : ''].filter(Boolean);
      if (missing.length) {
        throw new SourceFormatError(
          `the CSV header has no column ${missing.map((m) => `"${m}"`).join(' or ')}; its columns are ${header.map((h) => quoteValue(h)).join(', ')}. ` +
            'Map the names with sources.safetyLogs.fields (e.g. fields: { ts: time, verdict: action })',
        );
      }
      return;
    }
    ctx.tally.lines++;
    const f = rec.fields;
    if (f.length !== header.length) return ctx.malformed(file, rec.line, `bad CSV row: expected ${header.length} fields, found ${f.length}`);
    const rawTs = f[tsCol]!;
    if (!rawTs.trim()) return ctx.malformed(file, rec.line, `empty "${tsField}"`);
    const ms = ctx.ts.fromString(rawTs);
    if (Number.isNaN(ms)) return ctx.malformed(file, rec.line, ctx.ts.reason);
    if (!ctx.inPeriod(ms)) {
      ctx.tally.outside++;
      return;
    }
    const rawVerdict = f[verdictCol]!;
    if (!rawVerdict.trim()) return ctx.malformed(file, rec.line, `empty "${verdictField}"`);
    const verdict = ctx.verdicts.fromString(rawVerdict);
    if (verdict === -1) return ctx.malformed(file, rec.line, `unknown verdict ${quoteValue(rawVerdict)}`);
    ctx.count(ms, verdict, categoryCol >= 0 ? categoryOf(f[categoryCol]) : undefined);
    // fromEntries defines every column as an own property, `__proto__` included.
    if (ctx.sink) ctx.sink.addObject(Object.fromEntries(header.map((name, i) => [name, f[i]!])));
  };
  const reader = new CsvRecordReader(onRecord);

  return {
    onLine(buf, s, e, lineNo) {
      reader.push(buf.toString('utf8', s, e), lineNo);
    },
    end() {
      reader.end();
    },
  };
}
