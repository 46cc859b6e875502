import { describe, expect, it } from 'vitest';
import { maskText, maskValue } from '../../../src/lib/mask.js';
import { maskJsonText, maskJsonTokens } from '../../../src/logs/mask.js';
import { piiCandidates } from '../../../src/logs/pii-candidates.js';

describe('maskText', () => {
  it.each([
    ['联系我 13812345678', '联系我 138****5678'],
    ['电话:19912345678。', '电话:199****5678。'],
    ['+86 13812345678', '+86 138****5678'],
    ['+8613812345678', '+86138****5678'],
    ['8613812345678', '86138****5678'],
    ['138-1234-5678 or 138 1234 5678', '138-****-5678 or 138 **** 5678'],
    ['身份证 110101199003071234 挂失', '身份证 110101********1234 挂失'],
    ['ID:11010119900307123X', 'ID:110101********123X'],
    ['ID 11010119900307123x.', 'ID 110101********123x.'],
    ['mail zhang.san+tag@example.com.cn now', 'mail ***@example.com.cn now'],
    ['13812345678@qq.com', '***@qq.com'],
    ['a@b, c@d.e', '***@b, ***@d.e'],
  ])('%s → %s', (input, expected) => {
    expect(maskText(input)).toBe(expected);
  });

  it.each([
    'order 138123456789 is 12 digits',
    'epoch 1790000000000',
    '12812345678 starts with 12',
    '1101011990030712345 is 19 digits',
    '2026-10-01T08:00:00+08:00',
    'no @ here @',
  ])('leaves %s alone', (input) => {
    expect(maskText(input)).toBe(input);
  });

  it('stays linear on long runs of digits and letters (no catastrophic backtracking)', () => {
    const digits = '1'.repeat(5_000_000);
    const letters = 'a.'.repeat(2_500_000);
    expect(maskText(digits)).toBe(digits);
    expect(maskText(letters + '@x')).toBe('***@x');
  });
});

describe('maskJsonText', () => {
  it('masks every string, keys included, keeping the rest byte for byte', () => {
    const line = '{"ts":"2026-10-01T08:00:00+08:00", "user":{"phone":"13812345678","mails":["a.b@example.com"]},"13912345678":1,"n":1790000000000}';
    expect(maskJsonText(line)).toBe(
      '{"ts":"2026-10-01T08:00:00+08:00", "user":{"phone":"138****5678","mails":["***@example.com"]},"139****5678":1,"n":1790000000000}',
    );
  });

  it('decodes strings with escapes before masking, and re-encodes only what changed', () => {
    const line = JSON.stringify({ a: 'line\nbreak 13812345678 "quoted"', b: 'keep\\this', c: 'x\u0040example.com' });
    const out = JSON.parse(maskJsonText(line)) as Record<string, string>;
    expect(out).toEqual({ a: 'line\nbreak 138****5678 "quoted"', b: 'keep\\this', c: '***@example.com' });
    expect(maskJsonText('{"u":"\\u0031\\u0033812345678"}')).toBe('{"u":"138****5678"}');
  });

  it('turns mobile or ID numbers stored as JSON numbers into masked strings', () => {
    expect(maskJsonText('{"uid":13812345678,"id":110101199003071234,"x":-13812345678,"y":1.3812345678}')).toBe(
      '{"uid":"138****5678","id":"110101********1234","x":-13812345678,"y":1.3812345678}',
    );
  });

  it('gives the same result on its one-pass path (no backslash) as token by token (random lines)', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const strings = ['13812345678', 'tel:+86 139 1234 5678', 'a@b.cn', '11010119900307123X', 'x 8613812345678 y', '中文', 'k-13812345678', '', '138123456789'];
    const numbers = [13812345678, 138123456789, -13812345678, 1.3812345678, 110101199003071234, 1790000000000, 0, 12345678901];
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth < 3 && r < 0.15) return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => value(depth + 1));
      if (depth < 3 && r < 0.3) return Object.fromEntries(Array.from({ length: 1 + Math.floor(rand() * 3) }, () => [pick(strings), value(depth + 1)]));
      return r < 0.65 ? pick(strings) + pick(strings) : pick(numbers);
    };
    let changed = 0;
    for (let i = 0; i < 3000; i++) {
      const line = JSON.stringify(value(0) instanceof Object ? value(0) : { v: value(0) });
      if (line.includes('\\')) continue;
      const out = maskJsonText(line);
      expect({ line, out }).toEqual({ line, out: maskJsonTokens(line) });
      expect(() => JSON.parse(out)).not.toThrow();
      if (out !== line) changed++;
    }
    expect(changed).toBeGreaterThan(500);
  });

  it('masks strings nested in values built from CSV rows', () => {
    expect(maskValue({ text: '13812345678', 'a@b.c': ['x@y.z'] })).toEqual({ text: '138****5678', '***@b.c': ['***@y.z'] });
  });
});

describe('piiCandidates', () => {
  it('finds a candidate in every string that maskText changes (random strings)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['1', '3', '8', '6', '0', '9', 'X', 'x', '-', ' ', '+', '@', 'a', '.', '中', '\n', '"'];
    let changed = 0;
    for (let i = 0; i < 20000; i++) {
      let s = '';
      const len = 5 + Math.floor(rand() * 30);
      for (let k = 0; k < len; k++) s += pieces[Math.floor(rand() * pieces.length)];
      if (rand() < 0.3) s = s.replace(/^.{0,3}/, (p) => p + ['13812345678', '+86 139 1234 5678', '110101199003071234', 'u@x.cn', '8613812345678'][i % 5]);
      if (maskText(s) === s) continue;
      changed++;
      expect({ s, hit: piiCandidates(Buffer.from(s)).length > 0 }).toEqual({ s, hit: true });
    }
    expect(changed).toBeGreaterThan(3000);
  });

  it('finds nothing in ordinary log lines', () => {
    const line = '{"ts":"2026-10-01T08:00:00.123+08:00","requestId":"req-2026101-17","latencyMs":1234,"n":1790000000000,"text":"订单号 20261003-88812"}';
    expect(piiCandidates(Buffer.from(line))).toEqual([]);
  });
});
