import { createReadStream } from 'node:fs';
import * as zlib from 'node:zlib';
import type { ByteTap } from './byte-source.js';

/**
 * Gzip files decoded member by member (RFC 1952), so that whatever damage a file has, every
 * byte decoded before it reaches the caller.
 *
 * Node's Gunzip cannot promise that: when a member is followed by bytes that are not another
 * member (trailing garbage: an appended partial write, a concatenation gone wrong), it fails in
 * the same native call that decoded the member's last bytes, and those bytes (up to a whole
 * output chunk) are lost; a file cut short loses its last chunk the same way. Here the gzip
 * framing (header, CRC-32 and size trailer) is read in JavaScript and only the deflate data goes
 * through zlib's raw inflater, which stops exactly at the end of its stream and says how much
 * input it used. A problem is thrown as a GzipError only after all output before it was
 * yielded; only damage inside compressed data (zlib's own error) can still lose the output of
 * the call that met it.
 */

export class GzipError extends Error {
  constructor(
    readonly code: 'GZIP_TRUNCATED' | 'GZIP_TRAILING_DATA' | 'GZIP_BAD_HEADER' | 'GZIP_BAD_CHECK',
    message: string,
  ) {
    super(message);
    this.name = 'GzipError';
  }
}

const READ_CHUNK = 512 * 1024;
const OUT_CHUNK = 256 * 1024;
/** FNAME / FCOMMENT longer than this are not a real header. */
const MAX_HEADER_BYTES = 1024 * 1024;
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

// zlib.crc32 arrived in Node 20.15; without it only the size in the trailer is checked.
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Decompressed chunks of every member of a gzip file; `tap` sees the raw bytes as they are read. */
export async function* gunzipFile(path: string, tap?: ByteTap, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK, signal });
  const feed = new RawFeed(raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>, tap);
  try {
    let first = true;
    for (;;) {
      if (!first) {
        const next = await feed.next();
        if (!next) return;
        if (next[0] === 0) return await feed.expectZeros(next); // zero padding after the last member, as gzip(1) allows
        if (next[0] !== 0x1f) throw new GzipError('GZIP_TRAILING_DATA', 'data after the end of the compressed stream');
        feed.unshift(next);
      }
      await readHeader(feed, first);
      first = false;
      const { truncated, check, size } = yield* inflateMember(feed);
      if (truncated) throw new GzipError('GZIP_TRUNCATED', 'the file ends inside a compressed member');
      const trailer = await feed.take(8);
      if (!trailer) throw new GzipError('GZIP_TRUNCATED', 'the file ends before the end of a member');
      if ((crc32 && trailer.readUInt32LE(0) !== check >>> 0) || trailer.readUInt32LE(4) !== size % 2 ** 32) {
        throw new GzipError('GZIP_BAD_CHECK', 'a member does not match its checksum');
      }
    }
  } finally {
    raw.destroy();
  }
}

/** One member's deflate data through a raw inflater; returns whether the input ended inside it, the CRC-32 and size of the output. */
async function* inflateMember(feed: RawFeed): AsyncGenerator<Buffer, { truncated: boolean; check: number; size: number }> {
  // Z_SYNC_FLUSH at the end: input cut short yields what it holds instead of an error.
  const inflater = zlib.createInflateRaw({ chunkSize: OUT_CHUNK, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  let truncated = true;
  const feeding = (async () => {
    let fed = 0;
    for (let chunk = await feed.next(); chunk; chunk = await feed.next()) {
      fed += chunk.length;
      await new Promise<void>((resolve, reject) => inflater.write(chunk, (err) => (err ? reject(err) : resolve())));
      // The inflater stops at the end of the deflate stream: what it did not use is the trailer and beyond.
      const unused = fed - inflater.bytesWritten;
      if (unused > 0) {
        feed.unshift(chunk.subarray(chunk.length - unused));
        truncated = false;
        break;
      }
    }
    inflater.end();
  })();
  // A failed read or write surfaces in the loop below, through the inflater.
  feeding.catch((err: Error) => inflater.destroy(err));
  let check = 0;
  let size = 0;
  try {
    for await (const out of inflater) {
      if (crc32) check = crc32(out as Buffer, check);
      size += (out as Buffer).length;
      yield out as Buffer;
    }
    await feeding;
  } finally {
    inflater.destroy();
  }
  return { truncated, check, size };
}

async function readHeader(feed: RawFeed, first: boolean): Promise<void> {
  const head = await feed.take(10);
  if (!head) throw new GzipError(first ? 'GZIP_TRUNCATED' : 'GZIP_TRAILING_DATA', first ? 'the file ends inside the gzip header' : 'data after the end of the compressed stream');
  if (head[0] !== 0x1f || head[1] !== 0x8b) throw new GzipError(first ? 'GZIP_BAD_HEADER' : 'GZIP_TRAILING_DATA', first ? 'not gzip data' : 'data after the end of the compressed stream');
  if (head[2] !== 8) throw new GzipError('GZIP_BAD_HEADER', 'unknown compression method');
  const flags = head[3]!;
  if (flags & 0xe0) throw new GzipError('GZIP_BAD_HEADER', 'unknown header flags set');
  const need = async (n: number) => {
    const b = await feed.take(n);
    if (!b) throw new GzipError('GZIP_TRUNCATED', 'the file ends inside the gzip header');
    return b;
  };
  if (flags & FEXTRA) await need((await need(2)).readUInt16LE(0));
  if (flags & FNAME) await feed.skipPastZero();
  if (flags & FCOMMENT) await feed.skipPastZero();
  if (flags & FHCRC) await need(2);
}

/** Raw chunks with push-back, so the bytes after a member's compressed data can be read again. */
class RawFeed {
  private readonly back: Buffer[] = [];

  constructor(
    private readonly it: AsyncIterator<Buffer>,
    private readonly tap: ByteTap | undefined,
  ) {}

  async next(): Promise<Buffer | undefined> {
    const b = this.back.pop();
    if (b) return b;
    const r = await this.it.next();
    if (r.done) return undefined;
    this.tap?.(r.value);
    return r.value;
  }

  unshift(b: Buffer): void {
    if (b.length) this.back.push(b);
  }

  /** Exactly n bytes, or undefined when the input ends first. */
  async take(n: number): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const b = await this.next();
      if (!b) return undefined;
      const use = Math.min(b.length, n - have);
      parts.push(b.subarray(0, use));
      this.unshift(b.subarray(use));
      have += use;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
  }

  async skipPastZero(): Promise<void> {
    for (let skipped = 0; skipped < MAX_HEADER_BYTES; ) {
      const b = await this.next();
      if (!b) throw new GzipError('GZIP_TRUNCATED', 'the file ends inside the gzip header');
      const zero = b.indexOf(0);
      if (zero >= 0) return this.unshift(b.subarray(zero + 1));
      skipped += b.length;
    }
    throw new GzipError('GZIP_BAD_HEADER', 'a gzip header field has no end');
  }

  /** The rest of the input must be zero bytes. */
  async expectZeros(first: Buffer): Promise<void> {
    for (let b: Buffer | undefined = first; b; b = await this.next()) {
      if (b.some((x) => x !== 0)) throw new GzipError('GZIP_TRAILING_DATA', 'data after the end of the compressed stream');
    }
  }
}
