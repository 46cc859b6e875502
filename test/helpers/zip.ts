import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openZip, readSmall } from '../../src/archive/export/zip-read.js';
import { writeZip } from '../../src/archive/export/zip.js';
import { Readable } from 'node:stream';

/** Every entry of a (small, test-sized) ZIP, in order, as buffers. */
export async function readAll(file: string): Promise<Array<{ name: string; data: Buffer }>> {
  const zip = await openZip(file);
  try {
    const out: Array<{ name: string; data: Buffer }> = [];
    for (const e of zip.entries) out.push({ name: e.fileName, data: (await readSmall(zip, e, 1024 * 1024 * 1024))! });
    return out;
  } finally {
    zip.close();
  }
}

export async function entryText(file: string, name: string): Promise<string> {
  const entry = (await readAll(file)).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ${file}`);
  return entry.data.toString('utf8');
}

/** Unpacks with yauzl (no shell tool needed). */
export async function unzipTo(file: string, dir: string): Promise<void> {
  for (const { name, data } of await readAll(file)) {
    const target = join(dir, ...name.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
}

/**
 * A copy of a package with some entries changed, as someone who unpacked it, edited a file and
 * zipped it again would make. `change` returns the new content, or null to drop the entry.
 */
export async function rewriteZip(src: string, out: string, change: (name: string, data: Buffer) => Buffer | string | null | undefined): Promise<void> {
  const entries = [];
  for (const { name, data } of await readAll(src)) {
    const next = change(name, data);
    if (next === null) continue;
    const buf = next === undefined ? data : Buffer.from(next);
    entries.push({ name, open: () => Readable.from([buf]) });
  }
  await writeZip(out, entries, new Date(2026, 0, 1));
}
