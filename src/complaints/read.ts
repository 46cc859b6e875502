import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { DateTime } from 'luxon';
import { PermanentError, errorCode } from '../lib/errors.js';
import { gunzipBytes, plainBytes, startsWithGzipMagic } from '../logs/byte-source.js';
import { quoteValue } from '../logs/context.js';
import { CsvRecordReader, type CsvRecord } from '../logs/csv.js';
import { GzipError } from '../logs/gunzip.js';
import { LineSplitter } from '../logs/lines.js';
import { TimestampReader } from '../logs/timestamp.js';

/**
 * Reads the complaint ledger (用户反馈处理台账): CSV with a header row, or JSONL; gzip is
 * recognised by its first bytes, whatever the name. Field names can be mapped
 * (`sources.complaints.fields`), as for safety logs. Bytes, lines, CSV records and timestamps go
 * through the same code as safety logs (src/logs/): one CSV reader, bounded (a stray quote costs
 * one row, not the rest of the file), and one timestamp parser.
 *
 * A row that cannot be read is counted, with a `file:line reason` sample (up to 20) that never
 * quotes a cell (cells hold phone numbers and emails, and samples reach summary.json, the ledger
 * and emails), and the id it carries when one can be found: a case must not close because its
 * row became unreadable. A missing, unreadable or damaged file is a PermanentError
 * (inconclusive at once, no case touched).
 *
 * Times: ISO-8601 with an offset; ISO or `YYYY-MM-DD HH:mm[:ss]` without one (wall-clock time in
 * the configured zone, as spreadsheet exports write them); a bare date `YYYY-MM-DD` (its start);
 * or epoch milliseconds (a number or a string of digits, from 10^11 on). An empty respondedAt /
 * resolvedAt means not yet.
 */

export interface ComplaintFields {
  id: string;
  receivedAt: string;
  channel: string;
  category: string;
  respondedAt: string;
  resolvedAt: string;
}

export const DEFAULT_FIELDS: ComplaintFields = { id: 'id', receivedAt: 'receivedAt', channel: 'channel', category: 'category', respondedAt: 'respondedAt', resolvedAt: 'resolvedAt' };

export interface Complaint {
  id: string;
  receivedAt: DateTime;
  channel: string;
  category: string;
  respondedAt?: DateTime;
  resolvedAt?: DateTime;
  line: number;
  /** The row as read (all columns), for the masked snapshot. */
  raw: Record<string, unknown>;
}

export interface ComplaintLedger {
  complaints: Complaint[];
  rows: number;
  malformed: number;
  samples: string[];
  /** Ids found in rows that could not be read: their cases stay as they are. */
  malformedIds: Set<string>;
  /** Rows whose id appeared before; the later row wins (an export that appends updates). */
  duplicates: number;
}

export interface ComplaintSource {
  file: string;
  format?: 'csv' | 'jsonl';
  fields?: Partial<ComplaintFields>;
}

const MAX_SAMPLES = 20;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const PERMANENT_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR']);

export async function readComplaints(source: ComplaintSource, zone: string): Promise<ComplaintLedger> {
  const { file } = source;
  let gzip: boolean;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new PermanentError(`the complaint ledger ${file} is not a file; fix sources.complaints.file`);
    gzip = await startsWithGzipMagic(file);
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    throw new PermanentError(`cannot read the complaint ledger ${file}: ${describe(err)}; fix sources.complaints.file`, { cause: err });
  }
  const rows = new RowReader(file, { ...DEFAULT_FIELDS, ...source.fields }, source.format ?? formatOf(file), zone);
  const splitter = new LineSplitter(
    (buf, s, e, lineNo) => rows.line(buf.toString('utf8', s, e), lineNo),
    (lineNo, bytes) => rows.tooLong(lineNo, bytes),
  );
  try {
    for await (const chunk of gzip ? gunzipBytes(file) : plainBytes(file)) splitter.push(chunk);
    splitter.end();
    rows.end();
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    // A damaged or cut ledger will not mend itself by a retry, and a half-read one must not close cases.
    if (err instanceof GzipError || errorCode(err)?.startsWith('Z_')) {
      const what = err instanceof GzipError ? err.message : errorCode(err);
      throw new PermanentError(`the complaint ledger ${file} is gzip data that is damaged or cut short (${what}); replace it with a complete copy`, { cause: err });
    }
    if (PERMANENT_CODES.has(errorCode(err) ?? '')) throw new PermanentError(`cannot read the complaint ledger ${file}: ${describe(err)}; fix sources.complaints.file`, { cause: err });
    throw err; // EIO, EMFILE…: worth another attempt
  }
  return rows.ledger;
}

/** Rows of one ledger file: lines in, complaints and malformed rows out. */
class RowReader {
  readonly ledger: ComplaintLedger = { complaints: [], rows: 0, malformed: 0, samples: [], malformedIds: new Set(), duplicates: 0 };
  private readonly byId = new Map<string, number>();
  private readonly ts: TimestampReader;
  private readonly csv: CsvRecordReader;
  private header: string[] | undefined;
  private readonly name: string;

  constructor(
    private readonly file: string,
    private readonly fields: ComplaintFields,
    private readonly format: 'csv' | 'jsonl',
    private readonly zone: string,
  ) {
    this.name = basename(file);
    this.ts = new TimestampReader(zone);
    this.csv = new CsvRecordReader((rec) => this.record(rec));
  }

  line(text: string, lineNo: number): void {
    if (this.format === 'csv') return this.csv.push(text, lineNo);
    if (!text.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.bad(lineNo, 'not valid JSON');
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return this.bad(lineNo, 'not a JSON object');
    this.accept(value as Record<string, unknown>, lineNo);
  }

  tooLong(lineNo: number, bytes: number): void {
    this.csv.end(); // an over-long line also ends a CSV record left open
    this.bad(lineNo, `a line of ${bytes} bytes, longer than the limit`);
  }

  end(): void {
    this.csv.end();
  }

  private record(rec: CsvRecord): void {
    const idCol = this.header?.indexOf(this.fields.id) ?? -1;
    if ('error' in rec) return this.bad(rec.line, rec.error, idCol >= 0 ? idBeforeQuote(rec.text, idCol) : undefined);
    if (!this.header) {
      this.header = rec.fields.map((h) => h.trim());
      const missing = [this.fields.id, this.fields.receivedAt].filter((f) => !this.header!.includes(f));
      if (missing.length) {
        // Masked: a file without a header row has data in its first line.
        const columns = this.header.map((h) => quoteValue(h)).join(', ');
        throw new PermanentError(`the complaint ledger ${this.file} has no column ${missing.join(', ')} in its header (${columns}); map the names with sources.complaints.fields`);
      }
      return;
    }
    const f = rec.fields;
    if (f.length !== this.header.length) return this.bad(rec.line, `${f.length} columns, the header has ${this.header.length}`, f[idCol]?.trim() || undefined);
    this.accept(Object.fromEntries(this.header.map((h, i) => [h, f[i]])), rec.line);
  }

  private accept(raw: Record<string, unknown>, line: number): void {
    const parsed = this.toComplaint(raw, line);
    if ('error' in parsed) return this.bad(line, parsed.error, parsed.id);
    this.ledger.rows++;
    const earlier = this.byId.get(parsed.id);
    if (earlier === undefined) {
      this.byId.set(parsed.id, this.ledger.complaints.length);
      this.ledger.complaints.push(parsed);
    } else {
      this.ledger.duplicates++;
      this.ledger.complaints[earlier] = parsed;
    }
  }

  private bad(line: number, why: string, id?: string): void {
    const out = this.ledger;
    out.rows++;
    out.malformed++;
    if (id) out.malformedIds.add(id);
    if (out.samples.length < MAX_SAMPLES) out.samples.push(`${this.name}:${line}: ${why}`);
  }

  private toComplaint(raw: Record<string, unknown>, line: number): Complaint | { error: string; id?: string } {
    const f = this.fields;
    const id = text(raw[f.id]);
    if (!id) return { error: `no ${f.id}` };
    const time = (field: string) => this.time(raw[field]);
    const receivedAt = time(f.receivedAt);
    if (receivedAt === undefined) return { error: `${f.receivedAt} is empty`, id };
    if (typeof receivedAt === 'string') return { error: `${f.receivedAt} is not a time: ${receivedAt}`, id };
    const respondedAt = time(f.respondedAt);
    if (typeof respondedAt === 'string') return { error: `${f.respondedAt} is not a time: ${respondedAt}`, id };
    const resolvedAt = time(f.resolvedAt);
    if (typeof resolvedAt === 'string') return { error: `${f.resolvedAt} is not a time: ${resolvedAt}`, id };
    if (respondedAt && respondedAt < receivedAt) return { error: `${f.respondedAt} is before ${f.receivedAt}`, id };
    if (resolvedAt && resolvedAt < receivedAt) return { error: `${f.resolvedAt} is before ${f.receivedAt}`, id };
    return {
      id,
      receivedAt,
      channel: text(raw[f.channel]) || '(none)',
      category: text(raw[f.category]) || '(none)',
      ...(respondedAt ? { respondedAt } : {}),
      ...(resolvedAt ? { resolvedAt } : {}),
      line,
      raw,
    };
  }

  /** undefined: empty (not yet); a string: why it is not a time (never the value itself). */
  private time(value: unknown): DateTime | undefined | string {
    if (value === undefined || value === null) return undefined;
    let ms: number;
    if (typeof value === 'number') ms = this.ts.fromNumber(value);
    else if (typeof value === 'string') {
      const s = value.trim();
      if (!s) return undefined;
      ms = this.ts.fromString(DATE_ONLY.test(s) ? `${s}T00:00` : s);
    } else return 'neither a string nor a number';
    return Number.isNaN(ms) ? this.ts.reason : DateTime.fromMillis(ms, { zone: this.zone });
  }
}

/** The id of a row given up inside a quoted field: the id column, when it comes before the first quote. */
function idBeforeQuote(line: string, idCol: number): string | undefined {
  const quote = line.indexOf('"');
  const cells = (quote < 0 ? line : line.slice(0, quote)).split(',');
  // The last cell before the quote may be cut by it: only complete ones count.
  return idCol < cells.length - (quote < 0 ? 0 : 1) ? cells[idCol]!.trim() || undefined : undefined;
}

function formatOf(file: string): 'csv' | 'jsonl' {
  const ext = extname(file.replace(/\.gz$/, '')).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
}

function describe(err: unknown): string {
  const code = errorCode(err);
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (err instanceof Error ? err.name : 'unknown error');
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v).trim();
}
