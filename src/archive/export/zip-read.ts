import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * Reading a package: the central directory first (every entry's name and size, nothing
 * decompressed), then each entry as a stream on demand, in any order. So the small manifest can
 * be read before the big files, and a 2 GB entry is hashed as it streams.
 */
export interface PackageZip {
  entries: yauzl.Entry[];
  open(entry: yauzl.Entry): Promise<Readable>;
  close(): void;
}

export async function openZip(path: string): Promise<PackageZip> {
  const zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true });
  const entries = await new Promise<yauzl.Entry[]>((resolve, reject) => {
    const list: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      list.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(list));
    zip.on('error', reject);
    zip.readEntry();
  }).catch((err: unknown) => {
    zip.close();
    throw err;
  });
  return {
    entries,
    open: (entry) => zip.openReadStreamPromise(entry),
    close: () => zip.close(),
  };
}

/** Reads a small entry whole (manifest, sums); refuses one bigger than `limit` bytes. */
export async function readSmall(zip: PackageZip, entry: yauzl.Entry, limit = 64 * 1024 * 1024): Promise<Buffer | undefined> {
  if (entry.uncompressedSize > limit) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of await zip.open(entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
