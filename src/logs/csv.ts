/**
 * CSV records (RFC 4180: comma separated, fields optionally in double quotes, `""` for a quote
 * inside quotes, line breaks allowed inside quotes), fed one line at a time so a file of any
 * size is read in constant memory. A quoted field left open is carried over to the next line,
 * up to MAX_RECORD_LINES lines or MAX_RECORD_CHARS characters; past that the record is reported
 * as malformed and reading starts afresh on the next line (one stray quote must not swallow the
 * rest of the file).
 */

export const MAX_RECORD_LINES = 100;
export const MAX_RECORD_CHARS = 1024 * 1024;

export type CsvRecord = { fields: string[]; line: number } | { error: string; line: number };

export class CsvRecordReader {
  private carried: string[] = [];
  private carriedChars = 0;
  private firstLine = 0;

  /** True while a quoted field is open across lines. */
  get pending(): boolean {
    return this.carried.length > 0;
  }

  /** One physical line (without its newline); returns a record when one is complete. */
  push(line: string, lineNo: number): CsvRecord | undefined {
    if (this.carried.length) {
      this.carried.push(line);
      this.carriedChars += line.length + 1;
    } else {
      this.carried = [line];
      this.carriedChars = line.length;
      this.firstLine = lineNo;
    }
    const text = this.carried.length === 1 ? line : this.carried.join('\n');
    const parsed = parseRecord(text);
    if (parsed === OPEN_QUOTE) {
      if (this.carried.length >= MAX_RECORD_LINES || this.carriedChars >= MAX_RECORD_CHARS) {
        const start = this.firstLine;
        this.reset();
        return { error: `quoted field not closed within ${MAX_RECORD_LINES} lines`, line: start };
      }
      return undefined;
    }
    const start = this.firstLine;
    this.reset();
    return typeof parsed === 'string' ? { error: parsed, line: start } : { fields: parsed, line: start };
  }

  /** End of input: a record still open is malformed. */
  end(): CsvRecord | undefined {
    if (!this.carried.length) return undefined;
    const start = this.firstLine;
    this.reset();
    return { error: 'file ends inside a quoted field', line: start };
  }

  private reset(): void {
    this.carried = [];
    this.carriedChars = 0;
  }
}

const OPEN_QUOTE = Symbol('open quote');

/** Fields of one record, an error message, or OPEN_QUOTE when a quoted field continues. */
export function parseRecord(text: string): string[] | string | typeof OPEN_QUOTE {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 0x22) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) return OPEN_QUOTE;
        value += text.slice(from, q);
        if (text.charCodeAt(q + 1) === 0x22) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return fields;
      if (text.charCodeAt(i) !== 0x2c) return `unexpected text after a closing quote in field ${fields.length}`;
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const value = text.slice(i, comma < 0 ? text.length : comma);
      if (value.includes('"')) return `a quote inside an unquoted field ${fields.length + 1}`;
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}
