import { describe, expect, it } from 'vitest';
import { CsvRecordReader, MAX_RECORD_LINES, parseRecord } from '../../../src/logs/csv.js';

describe('CSV records', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,c,', ['a', '', 'c', '']],
    ['"a,1","say ""hi""",c', ['a,1', 'say "hi"', 'c']],
    ['""', ['']],
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

  it('joins a quoted field across lines and numbers the record by its first line', () => {
    const r = new CsvRecordReader();
    expect(r.push('1,"first', 5)).toBeUndefined();
    expect(r.pending).toBe(true);
    expect(r.push('second",x', 6)).toEqual({ fields: ['1', 'first\nsecond', 'x'], line: 5 });
    expect(r.push('2,y', 7)).toEqual({ fields: ['2', 'y'], line: 7 });
  });

  it('gives up on a quote left open, and reports a file that ends inside one', () => {
    const r = new CsvRecordReader();
    let out;
    for (let i = 1; i <= MAX_RECORD_LINES && !out; i++) out = r.push(i === 1 ? 'a,"open' : 'more', i);
    expect(out).toEqual({ error: expect.stringMatching(/not closed/), line: 1 });
    expect(r.push('b,ok', 200)).toEqual({ fields: ['b', 'ok'], line: 200 });
    r.push('c,"again', 201);
    expect(r.end()).toEqual({ error: 'file ends inside a quoted field', line: 201 });
  });
});
