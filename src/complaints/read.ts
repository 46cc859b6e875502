import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DateTime } from 'luxon';
import { PermanentError, errorCode } from '../lib/errors.js';
import { CsvRecords } from './csv.js';

/**
 * Reads the complaint ledger (用户反馈处理台账): CSV with a header row, or JSONL; `.gz` is
 * unpacked on the fly. Field names can be mapped (`sources.complaints.fields`), as for safety
 * logs. A row that cannot be read is counted with a `file:line reason` sample (up to 20) and the
 * run goes on; a missing file is a PermanentError (inconclusive at once).
 *
 * Times: ISO-8601 with an offset, ISO or `YYYY-MM-DD HH:mm[:ss]` without one (read in the
 * configured zone, as spreadsheet exports write them), or epoch milliseconds. An empty
 * respondedAt / resolvedAt means not yet.
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
  /** Rows whose id appeared before; the later row wins (an export that appends updates). */
  duplicates: number;
}

const MAX_SAMPLES = 20;

export async function readComplaints(source: { file: string; format?: 'csv' | 'jsonl'; fields?: Partial<ComplaintFields> }, zone: string): Promise<ComplaintLedger> {
  const { file } = source;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new PermanentError(`the complaint ledger ${file} is not a file; fix sources.complaints.file`);
  } catch (err) {
    if (err instanceof PermanentError) throw err;
    const why = errorCode(err) === 'ENOENT' ? 'the file does not exist' : (errorCode(err) ?? String(err));
    throw new PermanentError(`cannot read the complaint ledger ${file}: ${why}; fix sources.complaints.file`, { cause: err });
  }
  const fields = { ...DEFAULT_FIELDS, ...source.fields };
  const format = source.format ?? formatOf(file);
  const out: ComplaintLedger = { complaints: [], rows: 0, malformed: 0, samples: [], duplicates: 0 };
  const byId = new Map<string, number>();
  const bad = (line: number, why: string) => {
    out.malformed++;
    if (out.samples.length < MAX_SAMPLES) out.samples.push(`${basename(file)}:${line}: ${why}`);
  };
  const accept = (raw: Record<string, unknown>, line: number) => {
    out.rows++;
    const parsed = toComplaint(raw, line, fields, zone);
    if (typeof parsed === 'string') return bad(line, parsed);
    const earlier = byId.get(parsed.id);
    if (earlier === undefined) {
      byId.set(parsed.id, out.complaints.length);
      out.complaints.push(parsed);
    } else {
      out.duplicates++;
      out.complaints[earlier] = parsed;
    }
  };

  let input: NodeJS.ReadableStream = createReadStream(file);
  if (file.endsWith('.gz')) input = input.pipe(createGunzip());
  const lines = createInterface({ input, crlfDelay: Infinity });
  const csv = new CsvRecords();
  let header: string[] | undefined;
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    const line = lineNo === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (format === 'jsonl') {
      if (!line.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        bad(lineNo, 'not valid JSON');
        out.rows++;
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        bad(lineNo, 'not a JSON object');
        out.rows++;
        continue;
      }
      accept(value as Record<string, unknown>, lineNo);
      continue;
    }
    if (!header && !line.trim()) continue;
    const record = csv.push(line, lineNo);
    if (!record) continue;
    if (!header) {
      header = record.fields.map((h) => h.trim());
      const missing = [fields.id, fields.receivedAt].filter((f) => !header!.includes(f));
      if (missing.length) {
        throw new PermanentError(`the complaint ledger ${file} has no column ${missing.join(', ')} in its header (${header.join(', ')}); map the names with sources.complaints.fields`);
      }
      continue;
    }
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') continue;
    if (record.fields.length !== header.length) {
      out.rows++;
      bad(record.line, `${record.fields.length} columns, the header has ${header.length}`);
      continue;
    }
    accept(Object.fromEntries(header.map((h, i) => [h, record.fields[i]])), record.line);
  }
  if (csv.pending) {
    out.rows++;
    bad(lineNo, 'the file ends inside a quoted field');
  }
  return out;
}

function formatOf(file: string): 'csv' | 'jsonl' {
  const ext = extname(file.replace(/\.gz$/, '')).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
}

function toComplaint(raw: Record<string, unknown>, line: number, f: ComplaintFields, zone: string): Complaint | string {
  const id = text(raw[f.id]);
  if (!id) return `no ${f.id}`;
  const receivedAt = parseTime(raw[f.receivedAt], zone);
  if (!receivedAt) return `${f.receivedAt} ${show(raw[f.receivedAt])} is not a time`;
  const respondedAt = parseTime(raw[f.respondedAt], zone);
  if (respondedAt === null) return `${f.respondedAt} ${show(raw[f.respondedAt])} is not a time`;
  const resolvedAt = parseTime(raw[f.resolvedAt], zone);
  if (resolvedAt === null) return `${f.resolvedAt} ${show(raw[f.resolvedAt])} is not a time`;
  if (respondedAt && respondedAt < receivedAt) return `${f.respondedAt} is before ${f.receivedAt}`;
  if (resolvedAt && resolvedAt < receivedAt) return `${f.resolvedAt} is before ${f.receivedAt}`;
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

/** undefined: empty (not yet); null: present but unreadable. */
function parseTime(value: unknown, zone: string): DateTime | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return validOrNull(DateTime.fromMillis(value, { zone }));
  const s = String(value).trim();
  if (!s) return undefined;
  if (/^\d{12,14}$/.test(s)) return validOrNull(DateTime.fromMillis(Number(s), { zone }));
  const iso = DateTime.fromISO(s, { zone, setZone: false });
  if (iso.isValid) return iso;
  return validOrNull(DateTime.fromSQL(s, { zone }));
}

function validOrNull(d: DateTime): DateTime | null {
  return d.isValid ? d : null;
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v).trim();
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
