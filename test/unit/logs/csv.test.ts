import { describe, expect, it } from 'vitest';
import { CsvRecordReader, MAX_RECORD_CHARS, MAX_RECORD_LINES, parseRecord, type CsvRecord } from '../../../src/logs/csv.js';

/** Feeds lines (numbered from 1) and collects every record, the end of input included. */
function read(lines: string[]): CsvRecord[] {
  const out: CsvRecord[] = [];
  const r = new CsvRecordReader((rec) => out.push(rec));
  lines.forEach((l, i) => r.push(l, i + 1));
  r.end();
  return out;
}

describe('CSV records', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c,', ['a', '', 'c', '']],
    ['"a,1","say ""hi""",c', ['a,1', 'say "hi"', 'c']],
    ['""', ['']],
    ['"x",', ['x', '']],
    ['类别,违规', ['类别', '违规']],
  ])('parses %s', (text, fields) => {
    expect(parseRecord(text)).toEqual(fields);
  });

  it.each([
    ['a,"b"c', /after a closing quote/],
    ['a,b"c', /quote inside an unquoted field/],
  ])('rejects %s', (text, reason) => {
    expect(parseRecord(text)).toMatch(reason);
  });

  it('joins a quoted field across lines, numbers the record by its first line, and skips blank lines between records', () => {
    expect(read(['1,"first', '', 'second ""q"",', 'more",x', '   ', '2,y'])).toEqual([
      { fields: ['1', 'first\n\nsecond "q",\nmore', 'x'], line: 1 },
      { fields: ['2', 'y'], line: 6 },
    ]);
  });

  it('gives up on a quote open for 100 lines: only its first line is malformed, the other 99 are read again', () => {
    const lines = ['h1,h2', 'a,"stray', ...Array.from({ length: 150 }, (_, i) => `row${i + 3},v`)];
    const out = read(lines);
    expect(out[0]).toEqual({ fields: ['h1', 'h2'], line: 1 });
    expect(out[1]).toEqual({ error: `a quoted field is not closed within ${MAX_RECORD_LINES} lines`, line: 2, text: 'a,"stray' });
    // Every line after the stray quote is a record again: lines 3..152.
    expect(out.slice(2)).toEqual(Array.from({ length: 150 }, (_, i) => ({ fields: [`row${i + 3}`, 'v'], line: i + 3 })));
  });

  it('names the character limit when that is the one hit', () => {
    const long = 'x'.repeat(MAX_RECORD_CHARS / 4);
    const out = read(['a,"open', long, long, long, long, 'b,c']);
    expect(out[0]).toEqual({ error: `a quoted field is not closed within ${MAX_RECORD_CHARS} characters`, line: 1, text: 'a,"open' });
    // The four long lines come back as one-field records, then b,c.
    expect(out.slice(1).map((r) => ('fields' in r ? [r.line, r.fields.length] : [r.line, 'error']))).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
      [6, 2],
    ]);
  });

  it('a file that ends inside a quoted field, or a record spanning lines that ends badly, loses only its first line', () => {
    expect(read(['h', 'x,"one', 'ok,1', 'y,"two', 'ok,2'])).toEqual([
      { fields: ['h'], line: 1 },
      // Lines 2-4 read as one record end in `"two`: text after a closing quote.
      { error: 'unexpected text after a closing quote in field 2', line: 2, text: 'x,"one' },
      { fields: ['ok', '1'], line: 3 },
      { error: 'the file ends inside a quoted field', line: 4, text: 'y,"two' },
      { fields: ['ok', '2'], line: 5 },
    ]);
  });
});
