/**
 * RFC 4180 CSV, one physical line at a time (the caller streams lines): quoted fields may hold
 * commas, doubled quotes and line breaks. `push` returns a record once its last line is in, so
 * a large ledger is read in constant memory.
 */
export class CsvRecords {
  private fields: string[] = [];
  private field = '';
  private quoted = false;
  private firstLine = 0;

  /** Feeds one line (without its line break); returns the record it completes, if any. */
  push(line: string, lineNo: number): { fields: string[]; line: number } | undefined {
    if (!this.quoted) this.firstLine = lineNo;
    else this.field += '\n';
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (this.quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          this.field += '"';
          i++;
        } else if (ch === '"') {
          this.quoted = false;
        } else {
          this.field += ch;
        }
      } else if (ch === '"' && this.field === '') {
        this.quoted = true;
      } else if (ch === ',') {
        this.fields.push(this.field);
        this.field = '';
      } else {
        this.field += ch;
      }
    }
    if (this.quoted) return undefined;
    const record = { fields: [...this.fields, this.field], line: this.firstLine };
    this.fields = [];
    this.field = '';
    return record;
  }

  /** True when the input ended inside a quoted field (a malformed last record). */
  get pending(): boolean {
    return this.quoted;
  }
}
