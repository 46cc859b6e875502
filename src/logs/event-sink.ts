import type { TransformOptions, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip, type ZlibOptions } from 'node:zlib';
import { maskValue } from '../lib/mask.js';
import { maskJsonText } from './mask.js';

/**
 * The period's events as gzipped JSONL (the `events.jsonl.gz` evidence), personal data masked.
 *
 * Consecutive accepted lines of one read chunk are kept as a single byte range and copied in one
 * go when the range breaks or the chunk ends (`seal`), into batches of about 1 MB. Only lines
 * flagged as possibly holding personal data are decoded and masked; the rest is copied byte for
 * byte. Batch buffers are recycled once zlib has consumed them, so a month of any size runs in
 * the same memory.
 *
 * Compression runs on libuv's thread pool while the main thread goes on scanning; QUEUE_BYTES of
 * queued input keep both busy. Level 1, the fastest zlib level: on log text it still shrinks the
 * evidence about sevenfold (README, Performance), and a slower level would make compression, not
 * reading, the bottleneck of a month's collection.
 */

export const GZIP_LEVEL = 1;
const BATCH_BYTES = 1024 * 1024;
const QUEUE_BYTES = 4 * 1024 * 1024;
const NEWLINE = 0x0a;

export class EventSink {
  private readonly gzip: Gzip;
  private readonly done: Promise<void>;
  private batch: Buffer;
  private used = 0;
  /** The open range of consecutive lines in the current chunk (end exclusive, before its newline). */
  private runBuf: Buffer | undefined;
  private runStart = 0;
  private runEnd = 0;
  private failed: Error | undefined;

  /**
   * `pool`: spare batch buffers. A worker thread passes the same pool to the sink of each part it
   * reads, so its batches are reused from part to part instead of left for the garbage collector
   * (which, in a thread that allocates little else, comes late).
   */
  constructor(
    out: Writable,
    private readonly mask: boolean,
    private readonly pool: Buffer[] = [],
  ) {
    // zlib passes stream options on to its Transform; the typings only list the zlib ones.
    // memLevel 9 (the largest hash table) compresses a few per cent faster at level 1, for 128 KB.
    const options: ZlibOptions & TransformOptions = { level: GZIP_LEVEL, memLevel: 9, chunkSize: 256 * 1024, writableHighWaterMark: QUEUE_BYTES };
    this.gzip = createGzip(options);
    this.done = pipeline(this.gzip, out);
    this.done.catch((err: Error) => (this.failed = err));
    this.batch = this.pool.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
  }

  /**
   * One JSON event line (valid JSON, without its newline); it must stay unchanged until `seal`.
   * `mayHoldPii`: the line has a shape of personal data (found by the scanner, or by
   * piiCandidates); only such lines are decoded and masked, the others are copied as they are.
   */
  addJsonLine(buf: Buffer, start: number, end: number, mayHoldPii: boolean): void {
    if (this.mask && mayHoldPii) {
      this.seal();
      const masked = Buffer.from(maskJsonText(buf.toString('utf8', start, end)), 'utf8');
      this.appendLines(masked, 0, masked.length);
      return;
    }
    if (buf === this.runBuf && start === this.runEnd + 1 && buf[this.runEnd] === NEWLINE) {
      this.runEnd = end;
      return;
    }
    this.seal();
    this.runBuf = buf;
    this.runStart = start;
    this.runEnd = end;
  }

  /** Copies the open range out of the caller's buffer (call before that buffer is reused). */
  seal(): void {
    const buf = this.runBuf;
    if (!buf) return;
    this.runBuf = undefined;
    this.appendLines(buf, this.runStart, this.runEnd);
  }

  /** One event built from fields (a CSV row). */
  addObject(event: Record<string, string>): void {
    this.seal();
    const line = Buffer.from(JSON.stringify(this.mask ? maskValue(event) : event), 'utf8');
    this.appendLines(line, 0, line.length);
  }

  /** Whether personal data is masked: readers then flag the lines that may hold some. */
  get masking(): boolean {
    return this.mask;
  }

  /** True when the compressor is behind: the reader should `await drain()` before going on. */
  get needsDrain(): boolean {
    return this.gzip.writableNeedDrain;
  }

  drain(): Promise<void> {
    if (!this.gzip.writableNeedDrain || this.failed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.gzip.off('drain', done);
        this.gzip.off('close', done);
        resolve();
      };
      this.gzip.on('drain', done);
      this.gzip.on('close', done);
    });
  }

  /** Flushes, ends the gzip stream and waits until the output has all of it. */
  async end(): Promise<void> {
    this.seal();
    this.flush();
    this.gzip.end();
    await this.done;
    if (this.batch.length === BATCH_BYTES) this.pool.push(this.batch);
  }

  /** Abandons the output (the run is failing); the evidence writer removes its temp file. */
  destroy(err: Error): void {
    this.gzip.destroy(err);
  }

  /**
   * Appends src[s, e) (whole lines separated by newlines, the last without one) and a final
   * newline. Batches always end at a line end, so masking never sees half a line; a line longer
   * than a batch gets a batch of its own.
   */
  private appendLines(src: Buffer, s: number, e: number): void {
    while (s < e) {
      const room = this.batch.length - this.used - 1;
      if (e - s <= room) {
        this.batch.set(src.subarray(s, e), this.used);
        this.used += e - s;
        this.batch[this.used++] = NEWLINE;
        return;
      }
      const cut = room > 0 ? src.lastIndexOf(NEWLINE, s + room - 1) : -1;
      if (cut >= s) {
        this.batch.set(src.subarray(s, cut + 1), this.used);
        this.used += cut + 1 - s;
        this.flush();
        s = cut + 1;
        continue;
      }
      if (this.used > 0) {
        this.flush();
        continue;
      }
      // An empty batch and still no room: the next line alone is longer than a batch.
      let lineEnd = src.indexOf(NEWLINE, s);
      if (lineEnd < 0 || lineEnd > e) lineEnd = e;
      if (this.batch.length === BATCH_BYTES) this.pool.push(this.batch);
      this.batch = Buffer.allocUnsafe(lineEnd - s + 1);
      this.batch.set(src.subarray(s, lineEnd), 0);
      this.batch[lineEnd - s] = NEWLINE;
      this.used = this.batch.length;
      this.flush();
      s = lineEnd + 1;
    }
  }

  /** Hands the batch (whole lines) to zlib; its buffer comes back to the pool once consumed. */
  private flush(): void {
    if (!this.used) return;
    const batch = this.batch;
    const data = batch.subarray(0, this.used);
    this.batch = this.pool.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
    this.used = 0;
    if (this.failed) throw this.failed;
    this.gzip.write(data, batch.length === BATCH_BYTES ? () => this.pool.push(batch) : undefined);
  }
}
