import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { errorCode, errorMessage } from '../lib/errors.js';
import { GzipError } from './gunzip.js';
import { gunzipBytes, lineStartAtOrAfter, plainBytes, type ByteTap } from './byte-source.js';
import type { CollectContext } from './context.js';
import { csvRecordReader, SourceFormatError, type RecordReader } from './csv-lines.js';
import { jsonlLineHandler } from './jsonl-lines.js';
import { LineSplitter } from './lines.js';

export type LogFormat = 'jsonl' | 'csv';

/** What the collection records about each source file (the `files` metric). */
export interface FileFacts {
  /** Absolute path. */
  path: string;
  /** Short name used in samples and the report (relative to the sources' common directory). */
  name: string;
  format: LogFormat;
  gzip: boolean;
  /** Size and sha256 of the raw file as stored (compressed, if it is). */
  bytes: number;
  sha256: string;
  /** Non-blank data lines read. */
  lines: number;
  /** Set when the file could not be read to its end; the lines before still count. */
  error?: string;
}

/** A file, or a line-aligned byte range of a plain JSONL file (for splitting between threads). */
export interface SourcePart {
  path: string;
  name: string;
  gzip: boolean;
  /** Forced by config or known from the extension; undefined: decided from the first line. */
  format?: LogFormat;
  start: number;
  /** Exclusive; -1 for the end of the file. */
  end: number;
  /** start and end are raw split points: move each to the next line start before reading. */
  align: boolean;
}

export interface PartResult {
  format: LogFormat;
  /** Lines in this part, blank ones included: what later parts of the file offset their line numbers by. */
  physicalLines: number;
  /** Non-blank data lines. */
  lines: number;
  error?: string;
}

/**
 * Reads one part as a stream: bytes (gunzipped when the file starts with the gzip magic bytes,
 * whatever its name) split into lines and handed to the format's reader, which counts into
 * `ctx`. A part that breaks off (truncated gzip, read error, a CSV header without the needed
 * columns) keeps what was read and says why in `error`; only an abort stops the collection.
 */
export interface ReadOptions {
  /** Sees the raw bytes (hashing). */
  tap?: ByteTap;
  signal?: AbortSignal;
  /** Read buffers to reuse (see plainBytes). */
  readBuffers?: [Buffer, Buffer];
}

export async function readPart(part: SourcePart, ctx: CollectContext, { tap, signal, readBuffers }: ReadOptions = {}): Promise<PartResult> {
  const result: PartResult = { format: part.format ?? 'jsonl', physicalLines: 0, lines: 0 };
  const linesBefore = ctx.tally.lines;
  const sink = ctx.sink;
  let reader: RecordReader | undefined = part.format ? readerFor(part.format, ctx, part.name) : undefined;
  const splitter = new LineSplitter(
    (buf, s, e, lineNo) => {
      if (!reader) {
        // No extension to go by: the first line that is not blank decides; one that opens a JSON
        // object means JSONL. Blank lines before it are not rows in either format.
        const format = sniff(buf, s, e);
        if (!format) return;
        result.format = format;
        reader = readerFor(format, ctx, part.name);
      }
      reader.onLine(buf, s, e, lineNo);
    },
    (lineNo, bytes) => {
      reader?.end(); // an over-long line also ends a CSV record left open
      ctx.tally.lines++;
      ctx.malformed(part.name, lineNo, `line of ${bytes} bytes is longer than the limit; skipped`);
    },
    { skipBom: part.start === 0 },
  );
  try {
    let { start, end } = part;
    if (part.align) {
      const { size } = await stat(part.path);
      start = await lineStartAtOrAfter(part.path, start, size);
      end = end < 0 ? -1 : await lineStartAtOrAfter(part.path, end, size);
      if (end >= 0 && end <= start) end = start; // one line spans the whole range: the part before has it
    }
    const chunks = part.gzip ? gunzipBytes(part.path, tap, signal) : plainBytes(part.path, start, end, tap, readBuffers);
    for await (const chunk of chunks) {
      splitter.push(chunk);
      // The chunk's buffer is reused by the next read: the sink copies what it holds of it now.
      sink?.seal();
      if (sink?.needsDrain) await sink.drain();
      signal?.throwIfAborted();
    }
    splitter.end();
    reader?.end();
    sink?.seal();
  } catch (err) {
    if (signal?.aborted) throw err;
    result.error = describeReadError(err, part.gzip);
  }
  result.physicalLines = splitter.lines;
  result.lines = ctx.tally.lines - linesBefore;
  return result;
}

function readerFor(format: LogFormat, ctx: CollectContext, name: string): RecordReader {
  if (format === 'csv') return csvRecordReader(ctx, name);
  return { onLine: jsonlLineHandler(ctx, name), end: () => undefined };
}

/** By extension, after removing `.gz`: .jsonl/.ndjson/.json → jsonl, .csv → csv; else undecided. */
export function formatFromName(path: string): LogFormat | undefined {
  const ext = extname(path.toLowerCase().replace(/\.gz$/, ''));
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return undefined;
}

/** The format a first line shows: undefined for a blank line (wait for the next). */
function sniff(b: Uint8Array, s: number, e: number): LogFormat | undefined {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    return c === 0x7b ? 'jsonl' : 'csv';
  }
  return undefined;
}

/** A reason fit for the report: the kind of failure, never file content. */
export function describeReadError(err: unknown, gzip: boolean): string {
  if (err instanceof SourceFormatError) return err.message;
  const code = errorCode(err);
  if (code === 'ENOENT') return 'file disappeared while reading';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (err instanceof GzipError) return `gzip data is damaged or cut short (${err.message})`;
  if (gzip && code?.startsWith('Z_')) return `gzip data is damaged or cut short (${code})`;
  return code ?? errorMessage(err);
}
