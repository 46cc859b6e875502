/**
 * CSV records (RFC 4180: comma separated, fields optionally in double quotes, `""` for a quote
 * inside quotes, line breaks allowed inside quotes), fed one line at a time so a file of any
 * size is read in constant memory. The one CSV reader of the project: safety logs and the
 * complaint ledger both use it.
 *
 * A quoted field left open is carried over to the next line, up to MAX_RECORD_LINES lines or
 * MAX_RECORD_CHARS characters. Past that, one stray quote must not swallow the rest of the file:
 * only the record's first line is reported as malformed, and the lines after it are read again
 * as records of their own. A record that spans lines and turns out malformed, or a file that
 * ends inside a quoted field, is handled the same way.
 * Blank lines between records are not records (inside a quoted field they are content).
 */

export const MAX_RECORD_LINES = 100;
export const MAX_RECORD_CHARS = 1024 * 1024;

/** A record, or a malformed one: `text` is its first physical line (for a caller that wants an id from it). */
export type CsvRecord = { fields: string[]; line: number } | { error: string; line: number; text: string };

const OPEN_QUOTE = Symbol('open quote');

export class CsvRecordReader {
  /** Physical lines of the record being read (kept to be read again if it is given up). */
  private carried: Array<[string, number]> = [];
  private carriedChars = 0;
  /** Lines to read again after a record was given up. */
  private readonly replay: Array<[string, number]> = [];
  private readonly parser = new RecordParser();

  constructor(private readonly onRecord: (record: CsvRecord) => void) {}

  /** True while a quoted field is open across lines. */
  get pending(): boolean {
    return this.carried.length > 0;
  }

  /** One physical line (without its newline); complete records go to `onRecord`. */
  push(line: string, lineNo: number): void {
    this.feed(line, lineNo);
    this.drainReplay();
  }

  /** End of input: a record still open is malformed; the lines after its first are read again. */
  end(): void {
    while (this.carried.length) {
      this.giveUp('the file ends inside a quoted field');
      this.drainReplay();
    }
  }

  private drainReplay(): void {
    for (let next = this.replay.shift(); next; next = this.replay.shift()) this.feed(next[0], next[1]);
  }

  private feed(line: string, lineNo: number): void {
    if (!this.carried.length) {
      if (isBlank(line)) return;
      this.parser.start();
    }
    this.carried.push([line, lineNo]);
    this.carriedChars += line.length + 1;
    const parsed = this.parser.line(line);
    if (parsed === OPEN_QUOTE) {
      if (this.carried.length >= MAX_RECORD_LINES) this.giveUp(`a quoted field is not closed within ${MAX_RECORD_LINES} lines`);
      else if (this.carriedChars >= MAX_RECORD_CHARS) this.giveUp(`a quoted field is not closed within ${MAX_RECORD_CHARS} characters`);
      return;
    }
    // A record spanning lines that turns out malformed most likely began with a stray quote:
    // its first line is the bad one, the others are read again.
    if (typeof parsed === 'string') return this.giveUp(parsed);
    const firstNo = this.carried[0]![1];
    this.carried = [];
    this.carriedChars = 0;
    this.onRecord({ fields: parsed, line: firstNo });
  }

  /** Reports the open record's first line as malformed and queues the others to be read again. */
  private giveUp(reason: string): void {
    const [[first, firstNo], ...rest] = this.carried as [[string, number], ...Array<[string, number]>];
    this.carried = [];
    this.carriedChars = 0;
    this.replay.unshift(...rest);
    this.onRecord({ error: reason, line: firstNo, text: first });
  }
}

/** Fields of one single-line record, an error message, or OPEN_QUOTE when a quoted field continues. */
export function parseRecord(text: string): string[] | string | typeof OPEN_QUOTE {
  const parser = new RecordParser();
  parser.start();
  return parser.line(text);
}

/**
 * The record grammar, resumable at a line break inside a quoted field: each line is scanned
 * once, whatever the number of lines the record spans.
 */
class RecordParser {
  private fields: string[] = [];
  private value = '';
  private inQuote = false;

  start(): void {
    this.fields = [];
    this.value = '';
    this.inQuote = false;
  }

  line(text: string): string[] | string | typeof OPEN_QUOTE {
    let i = 0;
    if (this.inQuote) {
      this.value += '\n';
      i = this.quoted(text, 0);
      if (i < 0) return OPEN_QUOTE;
      const after = this.afterQuote(text, i);
      if (after !== undefined) return after;
      i++;
    }
    for (;;) {
      if (text.charCodeAt(i) === 0x22) {
        this.value = '';
        this.inQuote = true;
        i = this.quoted(text, i + 1);
        if (i < 0) return OPEN_QUOTE;
        const after = this.afterQuote(text, i);
        if (after !== undefined) return after;
        i++;
      } else {
        const comma = text.indexOf(',', i);
        const value = text.slice(i, comma < 0 ? text.length : comma);
        if (value.includes('"')) return `a quote inside an unquoted field ${this.fields.length + 1}`;
        this.fields.push(value);
        if (comma < 0) return this.fields;
        i = comma + 1;
      }
    }
  }

  /** Reads quoted content from `from` into `value`; the index after the closing quote, or -1 at the end of the line. */
  private quoted(text: string, from: number): number {
    for (;;) {
      const q = text.indexOf('"', from);
      if (q < 0) {
        this.value += text.slice(from);
        return -1;
      }
      this.value += text.slice(from, q);
      if (text.charCodeAt(q + 1) === 0x22) {
        this.value += '"';
        from = q + 2;
        continue;
      }
      this.inQuote = false;
      this.fields.push(this.value);
      return q + 1;
    }
  }

  /** After a closing quote at `i`: the record ends, a comma follows (undefined: go on), or it is an error. */
  private afterQuote(text: string, i: number): string[] | string | undefined {
    if (i === text.length) return this.fields;
    if (text.charCodeAt(i) !== 0x2c) return `unexpected text after a closing quote in field ${this.fields.length}`;
    return undefined;
  }
}

function isBlank(line: string): boolean {
  return line.length === 0 || line.trim() === '';
}
