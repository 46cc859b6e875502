import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync, gzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GzipError, gunzipFile } from '../../../src/logs/gunzip.js';

const root = mkdtempSync(join(tmpdir(), 'gunzip-'));
let n = 0;

/** Decodes `raw` written to a file: the output, the raw bytes the tap saw, and the error if any. */
async function decode(raw: Buffer): Promise<{ out: Buffer; tapped: number; error?: GzipError | Error }> {
  const file = join(root, `f${n++}.gz`);
  writeFileSync(file, raw);
  const chunks: Buffer[] = [];
  let tapped = 0;
  try {
    for await (const c of gunzipFile(file, (c) => (tapped += c.length))) chunks.push(Buffer.from(c));
    return { out: Buffer.concat(chunks), tapped };
  } catch (err) {
    return { out: Buffer.concat(chunks), tapped, error: err as Error };
  }
}

// Half-compressible text several output chunks long, so a lost chunk would show.
const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i} ${randomBytes(6).toString('hex')}\n`).join(''));

describe('gunzipFile', () => {
  it('decodes one member, several members and trailing zero padding exactly as zlib does', async () => {
    const a = gzipSync(text);
    const b = gzipSync(Buffer.from('second member\n'));
    const same = async (raw: Buffer, expected: Buffer) => {
      const r = await decode(raw);
      expect(r.error).toBeUndefined();
      expect(r.tapped).toBe(raw.length);
      expect(r.out.equals(expected)).toBe(true);
    };
    await same(a, text);
    await same(Buffer.concat([a, b, a]), Buffer.concat([text, Buffer.from('second member\n'), text]));
    await same(Buffer.concat([a, Buffer.alloc(1000)]), text);
    await same(gzipSync(Buffer.alloc(0)), Buffer.alloc(0));
  });

  it('reads headers with extra field, name, comment and header CRC', async () => {
    const body = deflateRawSync(text);
    const trailer = gzipSync(text).subarray(-8);
    const header = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3]),
      Buffer.from([3, 0, 0xaa, 0xbb, 0xcc]),
      Buffer.from('events.jsonl\0'),
      Buffer.from('a comment\0'),
      Buffer.from([0x12, 0x34]),
    ]);
    const r = await decode(Buffer.concat([header, body, trailer]));
    expect(r.error).toBeUndefined();
    expect(r.out.equals(text)).toBe(true);
  });

  it('keeps everything decoded before trailing garbage, then says so', async () => {
    for (const junk of [Buffer.from('not gzip at all'), Buffer.from([0x1f, 0x8b, 1, 2, 3]), Buffer.from([0, 0, 'x'.charCodeAt(0)])]) {
      const { out, error } = await decode(Buffer.concat([gzipSync(text), junk]));
      expect(out.equals(text)).toBe(true);
      expect(error).toMatchObject({ code: 'GZIP_TRAILING_DATA' });
    }
  });

  it('yields all that a cut file holds: what a flushing inflater gives for the same bytes', async () => {
    const gz = gzipSync(text);
    for (const cut of [gz.length - 4, gz.length - 20, Math.floor(gz.length / 3)]) {
      const { out, error } = await decode(gz.subarray(0, cut));
      const deflate = gz.subarray(10, Math.min(cut, gz.length - 8));
      const expected = inflateRawSync(deflate, { finishFlush: constants.Z_SYNC_FLUSH });
      expect(out.equals(expected), `cut at ${cut}`).toBe(true);
      expect(error).toMatchObject({ code: 'GZIP_TRUNCATED' });
    }
  });

  it('rejects a member whose checksum or size does not match, after yielding it', async () => {
    const gz = Buffer.from(gzipSync(text));
    gz.writeUInt32LE(gz.readUInt32LE(gz.length - 4) + 1, gz.length - 4);
    const { out, error } = await decode(gz);
    expect(out.equals(text)).toBe(true);
    expect(error).toMatchObject({ code: 'GZIP_BAD_CHECK' });
  });
});
