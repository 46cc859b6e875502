import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { writeZip, zipStamp, type ZipEntry } from '../../../../src/archive/export/zip.js';
import { openZip } from '../../../../src/archive/export/zip-read.js';
import { niceMax } from '../../../../src/archive/export/svg.js';

const dir = mkdtempSync(join(tmpdir(), 'dossier-zip-'));

function entries(): ZipEntry[] {
  return [
    { name: 'a.txt', open: () => Readable.from([Buffer.from('hello '.repeat(1000))]) },
    { name: 'data/events.jsonl.gz', open: () => Readable.from([Buffer.from([0x1f, 0x8b, 1, 2, 3])]) },
    { name: 'SUMS', open: (before) => Readable.from([Buffer.from(before.map((e) => `${e.sha256}  ${e.name}`).join('\n'))]) },
  ];
}

describe('deterministic ZIP', () => {
  it('gives the same bytes for the same entries, and lists earlier hashes to later entries', async () => {
    const stamp = zipStamp(DateTime.fromISO('2026-11-02T10:00:01', { zone: 'Asia/Shanghai' }));
    const a = await writeZip(join(dir, 'a.zip'), entries(), stamp);
    const b = await writeZip(join(dir, 'b.zip'), entries(), stamp);
    expect(readFileSync(join(dir, 'a.zip')).equals(readFileSync(join(dir, 'b.zip')))).toBe(true);
    expect(a.sha256).toBe(b.sha256);
    expect(a.entries.map((e) => e.name)).toEqual(['a.txt', 'data/events.jsonl.gz', 'SUMS']);

    const zip = await openZip(join(dir, 'a.zip'));
    try {
      const [txt, gz, sums] = zip.entries;
      expect(txt!.compressionMethod).toBe(8); // deflated
      expect(gz!.compressionMethod).toBe(0); // already compressed: stored
      // DOS time only (no UT extra field, which would hold a UTC instant), wall time as given.
      expect(txt!.extraFields.map((f) => f.id)).toEqual([]);
      const d = txt!.getLastModDate();
      expect([d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]).toEqual([2026, 11, 2, 10, 0, 0]);
      expect((txt!.externalFileAttributes >>> 16) & 0o777).toBe(0o644);
      const chunks: Buffer[] = [];
      for await (const c of await zip.open(sums!)) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe(a.entries.slice(0, 2).map((e) => `${e.sha256}  ${e.name}`).join('\n'));
    } finally {
      zip.close();
    }
  });

  it('leaves no file behind when an entry fails', async () => {
    const bad: ZipEntry[] = [{ name: 'x', open: () => new Readable({ read() { this.destroy(new Error('disk on fire')); } }) }];
    await expect(writeZip(join(dir, 'bad.zip'), bad, new Date(2026, 0, 1))).rejects.toThrow('disk on fire');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((n) => n.startsWith('bad.zip'))).toEqual([]);
  });
});

/** The DOS time and date fields of the first local file header (offsets 10 and 12). */
function dosFields(file: string): { date: string; time: string } {
  const b = readFileSync(file);
  const time = b.readUInt16LE(10);
  const date = b.readUInt16LE(12);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${(date >> 9) + 1980}-${two((date >> 5) & 0xf)}-${two(date & 0x1f)}`,
    time: `${two(time >> 11)}:${two((time >> 5) & 0x3f)}:${two((time & 0x1f) * 2)}`,
  };
}

describe('zipStamp: the DOS fields are the wall time, whatever the process time zone', () => {
  // 02:30 on 29 March 2026 exists in Shanghai but not in Berlin (clocks jump 02:00 → 03:00).
  const wall = DateTime.fromISO('2026-03-29T02:30:41', { zone: 'Asia/Shanghai' });
  const saved = process.env.TZ;
  afterEach(() => {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  });

  it.each(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Shanghai'])('TZ=%s, including a wall time in its DST gap', async (tz) => {
    process.env.TZ = tz;
    const file = join(dir, `stamp-${tz.replace('/', '-')}.zip`);
    await writeZip(file, entries().slice(0, 1), zipStamp(wall));
    expect(dosFields(file)).toEqual({ date: '2026-03-29', time: '02:30:40' });
    expect(readFileSync(file).equals(readFileSync(join(dir, 'stamp-UTC.zip')))).toBe(true);
  });
});

describe('chart scale', () => {
  it.each([
    [0, 1],
    [0.04, 0.04],
    [0.036, 0.04],
    [1570, 2000],
    [9, 10],
    [16.8, 20],
  ])('niceMax(%s) = %s', (v, expected) => expect(niceMax(v)).toBeCloseTo(expected, 10));
});
