import { open, type FileHandle } from 'node:fs/promises';
import { gunzipFile } from './gunzip.js';

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
 * Chunks of the plain file's bytes [start, end) (end -1: to the end of the file). Two buffers
 * take turns: the next read is already under way while the caller works on a chunk, so reading
 * and scanning overlap. `buffers`: a caller that reads one part after another passes the same
 * pair each time (they must not be in use by another read).
 */
export async function* plainBytes(path: string, start = 0, end = -1, tap?: ByteTap, buffers?: [Buffer, Buffer]): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  const [a, b] = buffers ?? [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let pos = start;
  const readInto = (buf: Buffer) => {
    const want = end < 0 ? buf.length : Math.min(buf.length, end - pos);
    const at = pos;
    return want > 0 ? fh.read(buf, 0, want, at).then((r) => r.bytesRead) : Promise.resolve(0);
  };
  let pending: Promise<number> | undefined = readInto(a);
  let current = a;
  try {
    for (;;) {
      const bytesRead = await pending;
      pending = undefined;
      if (!bytesRead) break;
      pos += bytesRead;
      const chunk = current.subarray(0, bytesRead);
      current = current === a ? b : a;
      pending = readInto(current);
      tap?.(chunk);
      yield chunk;
    }
  } finally {
    // A read may still be under way when the caller stops early: let it land before closing.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

/**
 * Decompressed chunks of a gzip file (all members); `tap` sees the raw, compressed bytes. Damage
 * is thrown (GzipError, or zlib's error inside compressed data) after what was decoded before it.
 */
export function gunzipBytes(path: string, tap?: ByteTap, signal?: AbortSignal): AsyncGenerator<Buffer> {
  return gunzipFile(path, tap, signal);
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
