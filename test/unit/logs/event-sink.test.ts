import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EventSink } from '../../../src/logs/event-sink.js';

async function through(mask: boolean, feed: (sink: EventSink) => void): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const sink = new EventSink(out, mask);
  feed(sink);
  await sink.end();
  return gunzipSync(Buffer.concat(chunks)).toString('utf8');
}

describe('EventSink', () => {
  it('copies runs of lines byte for byte across batches, skipping lines that were not added', async () => {
    const all = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ i, text: '事件'.repeat(i % 50) }));
    const chunk = Buffer.from(all.join('\n') + '\n');
    const kept: string[] = [];
    const text = await through(false, (sink) => {
      let pos = 0;
      all.forEach((line, i) => {
        const len = Buffer.byteLength(line);
        if (i % 7 !== 3) {
          sink.addJsonLine(chunk, pos, pos + len, false);
          kept.push(line);
        }
        pos += len + 1;
      });
      sink.seal();
    });
    expect(text).toBe(kept.join('\n') + '\n');
  });

  it('masks only flagged lines when masking, and gives a line longer than a batch its own', async () => {
    const long = JSON.stringify({ text: 'x'.repeat(3 * 1024 * 1024) + ' 13812345678' });
    const lines = ['{"a":"13812345678"}', '{"b":"plain"}', long, '{"c":"a@b.cn"}'];
    const buf = Buffer.from(lines.join('\n'));
    const text = await through(true, (sink) => {
      let pos = 0;
      for (const line of lines) {
        const len = Buffer.byteLength(line);
        sink.addJsonLine(buf, pos, pos + len, line !== '{"b":"plain"}');
        pos += len + 1;
      }
    });
    const out = text.split('\n');
    expect(out[0]).toBe('{"a":"138****5678"}');
    expect(out[1]).toBe('{"b":"plain"}');
    expect(out[2]!.length).toBe(long.length);
    expect(out[2]!.endsWith(' 138****5678"}')).toBe(true);
    expect(out[3]).toBe('{"c":"***@b.cn"}');
    expect(out[4]).toBe('');
  });

  it('writes rows from CSV as JSON objects, masked', async () => {
    const text = await through(true, (sink) => sink.addObject({ ts: '2026-10-01T00:00:00Z', text: '电话 13812345678' }));
    expect(JSON.parse(text)).toEqual({ ts: '2026-10-01T00:00:00Z', text: '电话 138****5678' });
  });

  it('writes unmasked lines when masking is off, even if flagged', async () => {
    const line = Buffer.from('{"a":"13812345678"}');
    const text = await through(false, (sink) => sink.addJsonLine(line, 0, line.length, true));
    expect(text).toBe('{"a":"13812345678"}\n');
  });
});
