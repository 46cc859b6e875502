import { describe, expect, it } from 'vitest';
import { JsonFieldScanner, ScanResult, ValueKind } from '../../../src/logs/json-scan.js';
import { maskJsonText } from '../../../src/logs/mask.js';

const KEYS = ['ts', 'verdict', 'category'];

function scan(line: string, trackPii = false) {
  const s = new JsonFieldScanner(KEYS, trackPii);
  const b = Buffer.from(line, 'utf8');
  const r = s.scan(b, 0, b.length);
  const fields = KEYS.map((_, k) => (s.kind[k] === ValueKind.Absent ? undefined : [s.kind[k], b.toString('utf8', s.start[k], s.end[k])]));
  return { r, fields, candidate: s.candidate };
}

/** What JSON.parse says about a line, as the collector uses it: an object, or not. */
function parsesAsObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return !!v && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

describe('JsonFieldScanner', () => {
  it('finds the wanted top-level fields, last duplicate wins, nested keys are ignored', () => {
    const { r, fields } = scan('{"meta":{"ts":"nested","verdict":1},"ts":"2026-10-01T00:00:00Z" , "verdict" : "block","x":[1,{"category":2}],"verdict":"pass","category":12.5e3}');
    expect(r).toBe(ScanResult.Ok);
    expect(fields).toEqual([
      [ValueKind.String, '2026-10-01T00:00:00Z'],
      [ValueKind.String, 'pass'],
      [ValueKind.Number, '12.5e3'],
    ]);
  });

  it('marks strings with escapes, and refuses to guess about escaped keys', () => {
    expect(scan('{"verdict":"bl\\u006fck"}').fields[1]).toEqual([ValueKind.EscapedString, 'bl\\u006fck']);
    expect(scan('{"t\\u0073":"x"}').r).toBe(ScanResult.Unsure);
  });

  it.each([
    '{}',
    ' { "a" : [ ] , "b" : { } } ',
    '{"a":-0.5e-3,"b":true,"c":false,"d":null,"e":"\\"\\\\\\/\\b\\f\\n\\r\\t"}',
    '{"a":"\t"}',
    '{"a":01}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":-}',
    '{"a":1e}',
    '{"a":"x"}}',
    '{"a":"x",}',
    '{"a" "x"}',
    '{"a":tru}',
    '{"a":"\\x"}',
    '{"a":"\\u12"}',
    '{"a":[1,]}',
    '{"a":[1 2]}',
    '["not","an","object"]',
    '"string"',
    '42',
    '{"a":"unterminated',
    '{"ts":"2026-10-01T00:00:00Z","verdict":"pass"',
    '\u0000\u0001garbage',
    '{"a":"x"} trailing',
    '{"a":{"b":{"c":[[[{"d":null}]]]}}}',
  ])('agrees with JSON.parse on %j', (line) => {
    const { r } = scan(line);
    if (r !== ScanResult.Unsure) expect(r === ScanResult.Ok).toBe(parsesAsObject(line));
  });

  it('agrees with JSON.parse on thousands of mutated lines', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const base = [
      '{"ts":"2026-10-01T08:00:00+08:00","verdict":"block","category":"fraud","n":[1,2.5,-3e2,{"x":null}],"ok":true,"text":"联系 13812345678 \\"quoted\\""}',
      '{"ts":1790000000000,"verdict":"pass","deep":{"a":{"b":[]}},"s":"tab\\tnew\\nline"}',
    ];
    const alphabet = ['{', '}', '[', ']', '"', ':', ',', '\\', '0', '1', 'e', '-', '.', ' ', '\t', 'u', 'a', '\u0001', 'n', 't'];
    let checked = 0;
    for (let i = 0; i < 6000; i++) {
      const chars = [...base[i % base.length]!];
      const edits = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rand() * chars.length);
        const op = rand();
        if (op < 0.4) chars.splice(at, 1);
        else if (op < 0.7) chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]!);
        else chars[at] = alphabet[Math.floor(rand() * alphabet.length)]!;
      }
      const line = chars.join('');
      const { r } = scan(line);
      if (r === ScanResult.Unsure) continue;
      expect({ line, ok: r === ScanResult.Ok }).toEqual({ line, ok: parsesAsObject(line) });
      checked++;
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it('flags every line that masking would change (trackPii), and lines without personal data not at all', () => {
    const lines = [
      ['{"text":"联系我 13812345678"}', true],
      ['{"text":"call +86 139 1234 5678 now"}', true],
      ['{"text":"8613812345678"}', true],
      ['{"id":"11010119900307123X"}', true],
      ['{"mail":"zhang.san@example.com"}', true],
      ['{"uid":13812345678}', true],
      ['{"nested":{"deep":["110101199003071234"]}}', true],
      ['{"esc":"\\u0040 could be anything"}', true],
      ['{"ts":1790000000000,"order":"20261003-88812","n":12345678,"text":"no personal data 2026-10-01"}', false],
      ['{"text":"How do I reset my password?"}', false],
    ] as const;
    for (const [line, expected] of lines) {
      const { r, candidate } = scan(line, true);
      expect(r).toBe(ScanResult.Ok);
      expect({ line, candidate }).toEqual({ line, candidate: expected });
      if (!candidate) expect(maskJsonText(line)).toBe(line);
    }
  });
});
