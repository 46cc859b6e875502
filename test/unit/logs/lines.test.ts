import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../src/logs/lines.js';

function split(chunks: Array<string | Buffer>, maxLineBytes?: number) {
  const lines: Array<[number, string]> = [];
  const tooLong: Array<[number, number]> = [];
  const s = new LineSplitter(
    (buf, a, b, n) => lines.push([n, buf.toString('utf8', a, b)]),
    (n, bytes) => tooLong.push([n, bytes]),
    maxLineBytes ? { maxLineBytes } : {},
  );
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.end();
  return { lines, tooLong, count: s.lines };
}

describe('LineSplitter', () => {
  it('splits across chunk boundaries, drops CR of CRLF, keeps blank lines numbered, reads a last line without newline', () => {
    const { lines, count } = split(['{"a":', '1}\r\n\n{"b"', ':2}\n', '{"c":3}']);
    expect(lines).toEqual([
      [1, '{"a":1}'],
      [2, ''],
      [3, '{"b":2}'],
      [4, '{"c":3}'],
    ]);
    expect(count).toBe(4);
  });

  it('skips a UTF-8 byte-order mark at the start only', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { lines } = split([Buffer.concat([bom, Buffer.from('a\n')]), Buffer.concat([bom, Buffer.from('b\n')])]);
    expect(lines.map((l) => l[1])).toEqual(['a', '\ufeffb']);
  });

  it('handles a multi-byte character split between chunks', () => {
    const text = Buffer.from('类别\n');
    const { lines } = split([text.subarray(0, 2), text.subarray(2)]);
    expect(lines).toEqual([[1, '类别']]);
  });

  it('reads a 10 MB line that arrives in many chunks', () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const chunks: string[] = [];
    for (let i = 0; i < big.length; i += 65536) chunks.push(big.slice(i, i + 65536));
    const { lines } = split([...chunks, '\nshort\n']);
    expect(lines.map(([n, l]) => [n, l.length])).toEqual([
      [1, big.length],
      [2, 5],
    ]);
  });

  it('skips a line longer than the limit without keeping it, and goes on after it', () => {
    const chunks = ['ok\n', 'y'.repeat(700), 'y'.repeat(700), 'y\nnext\n', 'z'.repeat(2000)];
    const { lines, tooLong } = split(chunks, 1000);
    expect(lines).toEqual([
      [1, 'ok'],
      [3, 'next'],
    ]);
    expect(tooLong).toEqual([
      [2, 1401],
      [4, 2000],
    ]);
  });
});
