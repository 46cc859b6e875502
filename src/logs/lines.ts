/**
 * Splits a byte stream into lines without decoding it: a line handler gets the buffer and the
 * byte range of each line, so a field scanner can look at a few bytes of a line and skip the
 * rest. Lines end at `\n`; a `\r` before it (CRLF files) is dropped; a UTF-8 byte-order mark at
 * the start of the stream is skipped. The last line needs no trailing newline.
 *
 * Memory stays bounded whatever the input: a line longer than `maxLineBytes` (a binary file
 * without newlines, a runaway writer) is not buffered but skipped up to its end and reported
 * through `onTooLong`, with the number of bytes it had.
 */

export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;
export type TooLongHandler = (lineNo: number, bytes: number) => void;

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an over-long line: bytes dropped so far; -1 when not skipping. */
  private skipped = -1;
  private lineNo = 0;
  private atStart: boolean;
  private readonly maxLineBytes: number;

  /** `skipBom`: false for a part that starts in the middle of a file. */
  constructor(
    private readonly onLine: LineHandler,
    private readonly onTooLong: TooLongHandler,
    options: { skipBom?: boolean; maxLineBytes?: number } = {},
  ) {
    this.atStart = options.skipBom ?? true;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Number of lines completed so far (blank ones included). */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.atStart && chunk.length) {
      this.atStart = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    let nl = chunk.indexOf(10, pos);
    if (nl < 0) {
      this.carry(chunk, pos, chunk.length);
      return;
    }
    // Finish the line that started in an earlier chunk.
    if (this.pendingBytes > 0 || this.skipped >= 0) {
      this.carry(chunk, pos, nl);
      this.completeCarried();
      pos = nl + 1;
      nl = chunk.indexOf(10, pos);
    }
    while (nl >= 0) {
      this.emit(chunk, pos, nl);
      pos = nl + 1;
      nl = chunk.indexOf(10, pos);
    }
    if (pos < chunk.length) this.carry(chunk, pos, chunk.length);
  }

  /** The stream ended: the last line, if it had no newline. */
  end(): void {
    if (this.pendingBytes > 0 || this.skipped >= 0) this.completeCarried();
  }

  private carry(chunk: Buffer, start: number, end: number): void {
    if (end <= start) return;
    if (this.skipped >= 0) {
      this.skipped += end - start;
      return;
    }
    if (this.pendingBytes + (end - start) > this.maxLineBytes) {
      this.skipped = this.pendingBytes + (end - start);
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // Keep a copy: the caller may reuse its chunk buffer.
    this.pending.push(Buffer.from(chunk.subarray(start, end)));
    this.pendingBytes += end - start;
  }

  private completeCarried(): void {
    if (this.skipped >= 0) {
      this.lineNo++;
      this.onTooLong(this.lineNo, this.skipped);
      this.skipped = -1;
      return;
    }
    const line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(line, 0, line.length);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end - start > this.maxLineBytes) {
      this.onTooLong(this.lineNo, end - start);
      return;
    }
    if (end > start && buf[end - 1] === 13) end--;
    this.onLine(buf, start, end, this.lineNo);
  }
}
