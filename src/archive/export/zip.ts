import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DateTime } from 'luxon';
import { ZipFile } from 'yazl';
import { fsyncPath } from '../../lib/atomic-file.js';
import { hashingStream } from '../../lib/hash.js';

/**
 * A ZIP whose bytes depend only on its entries: the same entries in the same order give the
 * same file. What yazl would otherwise take from the moment or the machine is fixed here:
 *  - every entry has the same timestamp, given by the caller, written only in the DOS fields
 *    (`forceDosTimestamp`): yazl's extra "UT" field would hold the instant in UTC, and yazl
 *    computes the DOS fields from a Date's local fields, so `zipStamp` makes a Date whose local
 *    fields are the wall time in any process time zone;
 *  - mode 0644 for every file (archive files are 0444 on disk; the package must not depend on it);
 *  - compression by file name only: already-compressed evidence (events.jsonl.gz, the big one)
 *    is stored, everything else deflated at level 6;
 *  - the order is the caller's.
 * Same bytes also assume the same zlib (one Dossier installation): a different zlib build may
 * deflate differently. Stored entries and every sha256 in the package do not depend on it.
 */
export interface ZipEntry {
  name: string;
  /**
   * Opens the entry's content when its turn comes (yazl pumps entries one by one), with every
   * entry written before it: manifest.json and SHA256SUMS list the hashes of the entries before them.
   */
  open(before: readonly WrittenEntry[]): Readable | Promise<Readable>;
}

export interface WrittenEntry {
  name: string;
  sha256: string;
  bytes: number;
}

const STORED = /\.(gz|tgz|zip|zst|xz|bz2|7z|png|jpe?g|gif|webp|pdf|mp4)$/i;

export async function writeZip(outPath: string, entries: ZipEntry[], stamp: Date): Promise<{ sha256: string; bytes: number; entries: WrittenEntry[] }> {
  const zip = new ZipFile();
  const written: WrittenEntry[] = [];
  const output = zip.outputStream as Readable;
  const fail = (err: unknown) => output.destroy(err instanceof Error ? err : new Error(String(err)));
  zip.on('error', fail);
  for (const entry of entries) {
    const stored = STORED.test(entry.name);
    zip.addReadStreamLazy(entry.name, { mtime: stamp, mode: 0o100644, compress: !stored, forceDosTimestamp: true }, (cb) => {
      Promise.resolve()
        .then(() => entry.open(written))
        .then((source) => {
          source.on('error', fail);
          cb(null, source.pipe(hashingStream((h) => written.push({ name: entry.name, ...h }))));
        }, fail);
    });
  }
  zip.end();

  const temp = `${outPath}.partial-${randomBytes(4).toString('hex')}`;
  let whole: { sha256: string; bytes: number } | undefined;
  try {
    await pipeline(output, hashingStream((h) => (whole = h)), createWriteStream(temp, { mode: 0o644 }));
    await fsyncPath(temp);
    await rename(temp, outPath);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  return { ...whole!, entries: written };
}


/**
 * The entries' timestamp: the wall-clock time `wall` shows in its own zone, whatever the
 * process's time zone. yazl writes the DOS date/time from a Date's *local* fields
 * (getFullYear … getSeconds), so the stamp is a Date whose local fields are its UTC fields, set
 * to the wall time: no local-time conversion happens, so a wall time that falls into a DST gap
 * of the process's zone is written as it is, and the bytes never depend on TZ.
 */
export function zipStamp(wall: DateTime): Date {
  return new WallClockDate(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second));
}

class WallClockDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
}
