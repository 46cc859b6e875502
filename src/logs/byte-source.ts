import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The bytes of a source file, as an async iteration of chunks.
 *
 * Plain files are read with positioned reads into one buffer that is reused for every chunk:
 * no allocation per chunk, so memory does not depend on how fast the garbage collector catches
 * up with a fast reader. The consumer must therefore copy whatever it keeps past the next
 * chunk (LineSplitter and EventSink do). A byte range can be read, for splitting a big file
 * between threads. Gzip files are streamed through zlib (whole files only).
 */

export const CHUNK = 512 * 1024;

/** Sees every raw chunk as it is read (hashing, byte counting). */
export type ByteTap = (chunk: Buffer) => void;

export async function startsWithGzipMagic(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Chunks of the plain file's bytes [start, end) (end -1: to the end of the file). `buffer`: the
 * read buffer to use, for a caller that reads one part after another and wants no new one each
 * time; it must not be in use by another read.
 */
export async function* plainBytes(path: string, start = 0, end = -1, tap?: ByteTap, buffer?: Buffer): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = buffer ?? Buffer.allocUnsafe(CHUNK);
    let pos = start;
    while (end < 0 || pos < end) {
      const want = end < 0 ? CHUNK : Math.min(CHUNK, end - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (!bytesRead) break;
      pos += bytesRead;
      const chunk = buf.subarray(0, bytesRead);
      tap?.(chunk);
      yield chunk;
    }
  } finally {
    await fh.close();
  }
}

/** Decompressed chunks of a gzip file (all members); `tap` sees the raw, compressed bytes. */
export async function* gunzipBytes(path: string, tap?: ByteTap, signal?: AbortSignal): AsyncGenerator<Buffer> {
  const raw = createReadStream(path, { highWaterMark: CHUNK, signal });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const seen = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      tap?.(chunk);
      cb(null, chunk);
    },
  });
  // Errors of any stage surface in the iteration below.
  raw.on('error', (err) => gunzip.destroy(err));
  seen.on('error', (err) => gunzip.destroy(err));
  raw.pipe(seen).pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } finally {
    raw.destroy();
  }
}

/**
 * Moves a split point to the start of a line: the first line start at or after `at`. Splits
 * are then line-aligned, and every line belongs to exactly one part.
 */
export async function lineStartAtOrAfter(path: string, at: number, size: number): Promise<number> {
  if (at <= 0) return 0;
  if (at >= size) return size;
  const fh: FileHandle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    // The byte before `at` tells whether `at` already starts a line.
    let pos = at - 1;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (!bytesRead) break;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) return pos + nl + 1;
      pos += bytesRead;
    }
    return size;
  } finally {
    await fh.close();
  }
}
