import { Readable } from 'node:stream';
import { canonicalJson } from '../../lib/hash.js';
import { say, type Locale } from '../../lib/i18n.js';
import { hashInput, rowHash, type ChainRow, type Ledger } from '../../ledger/ledger.js';
import { CHAIN_TABLES, COMMON_COLUMNS, type ChainTable } from '../../ledger/migrations.js';
import { describe } from '../../ledger/verify.js';
import type { LedgerRange } from './model.js';

/**
 * ledger.jsonl: one chain row per line, in seq order. A line is exactly the object the ledger
 * hashes (rowHash/hashInput: table, seq, the common columns, the table's key columns, the body as
 * canonical JSON text) plus its `hash`, written as canonical JSON. So a line checks itself:
 * remove `hash`, serialize canonically, sha256, compare. No second hash function exists.
 */
export const LEDGER_FILE = 'ledger.jsonl';

const PAGE = 1000;

export function ledgerLine(row: ChainRow): string {
  return `${canonicalJson({ ...hashInput(row), hash: row.hash })}\n`;
}

/** Streams the rows of `range` as lines, a page at a time (constant memory for any length). */
export function ledgerLines(ledger: Ledger, range: LedgerRange, onRow?: (row: ChainRow) => void): Readable {
  async function* lines(): AsyncGenerator<Buffer> {
    for (let from = range.fromSeq - 1; from < range.toSeq; from += PAGE) {
      const rows = await ledger.chainRows(from, Math.min(from + PAGE, range.toSeq));
      for (const row of rows) {
        onRow?.(row);
        yield Buffer.from(ledgerLine(row), 'utf8');
      }
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

export interface SegmentProblem {
  line?: number;
  seq?: number;
  message: string;
}

/**
 * Checks a run of ledger lines fed one at a time, and what can be proven from them alone:
 *  1. each line is a complete chain row whose hash recomputes from its content (an edited row);
 *  2. seq goes up by exactly one from line to line (a deleted or inserted row);
 *  3. each row's prev_hash is the hash of the line before it, and the first row's prev_hash is
 *     the stated anchor (the hash of the row before the package's first row);
 *  4. the last row is the stated head (rows cut from the end).
 * What it cannot prove alone: that the head is the real ledger's head at that time. That is
 * what the head published elsewhere (the daily digest email, `dossier verify` on the server) is for.
 */
export class SegmentChecker {
  readonly problems: SegmentProblem[] = [];
  rows = 0;
  private prev: { seq: number; hash: string };

  constructor(
    private readonly locale: Locale,
    private readonly expected: LedgerRange,
  ) {
    this.prev = { ...expected.anchor };
  }

  /** Parses and checks one line; returns the row when the line is a well-formed row. */
  add(lineNo: number, text: string): ChainRow | undefined {
    const l = this.locale;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.problems.push({ line: lineNo, message: say(l, `${LEDGER_FILE} 第 ${lineNo} 行不是有效的 JSON`, `${LEDGER_FILE} line ${lineNo} is not valid JSON`) });
      return undefined;
    }
    const row = asChainRow(parsed);
    if (!row) {
      this.problems.push({
        line: lineNo,
        message: say(l, `${LEDGER_FILE} 第 ${lineNo} 行不是完整的账本行（字段缺失或多余）`, `${LEDGER_FILE} line ${lineNo} is not a complete ledger row (missing or extra fields)`),
      });
      return undefined;
    }
    this.rows++;
    const where = say(l, `${LEDGER_FILE} 第 ${lineNo} 行（${describe(row)}）`, `${LEDGER_FILE} line ${lineNo} (${describe(row)})`);
    if (rowHash(row) !== row.hash) {
      this.problems.push({ line: lineNo, seq: row.seq, message: say(l, `${where}：内容与其哈希不符（该行被修改过）`, `${where}: content does not match its hash (the row was edited)`) });
    }
    if (row.seq !== this.prev.seq + 1) {
      this.problems.push({
        line: lineNo,
        seq: row.seq,
        message: say(l, `${where}：序号应为 ${this.prev.seq + 1}（有行被删除、插入或调换）`, `${where}: seq should be ${this.prev.seq + 1} (a row was deleted, inserted or moved)`),
      });
    }
    if (row.prev_hash !== this.prev.hash) {
      const before = lineNo === 1 ? say(l, '清单中声明的锚点哈希', 'the anchor hash stated in the manifest') : say(l, '上一行的哈希', 'the hash of the line before it');
      this.problems.push({ line: lineNo, seq: row.seq, message: say(l, `${where}：prev_hash 与${before}不符`, `${where}: prev_hash does not match ${before}`) });
    }
    this.prev = { seq: row.seq, hash: row.hash };
    return row;
  }

  /** Call after the last line, with the head the manifest states. */
  finish(head: { seq: number; hash: string }): SegmentProblem[] {
    const l = this.locale;
    const expectedRows = Math.max(0, this.expected.toSeq - this.expected.fromSeq + 1);
    if (this.rows !== expectedRows) {
      this.problems.push({
        message: say(
          l,
          `${LEDGER_FILE} 有 ${this.rows} 行，清单声明 ${expectedRows} 行（seq ${this.expected.fromSeq}–${this.expected.toSeq}）`,
          `${LEDGER_FILE} has ${this.rows} rows; the manifest states ${expectedRows} (seq ${this.expected.fromSeq}–${this.expected.toSeq})`,
        ),
      });
    }
    if (this.prev.seq !== head.seq || this.prev.hash !== head.hash) {
      this.problems.push({
        message: say(
          l,
          `${LEDGER_FILE} 的最后一行（seq ${this.prev.seq}，${this.prev.hash.slice(0, 12)}…）不是清单声明的链头（seq ${head.seq}，${head.hash.slice(0, 12)}…）`,
          `${LEDGER_FILE} ends at seq ${this.prev.seq} (${this.prev.hash.slice(0, 12)}…), not at the head the manifest states (seq ${head.seq}, ${head.hash.slice(0, 12)}…)`,
        ),
      });
    }
    return this.problems;
  }
}

/** A parsed line as a ChainRow, when it has exactly the hashed fields plus `hash`. */
function asChainRow(v: unknown): ChainRow | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.table !== 'string' || !Object.hasOwn(CHAIN_TABLES, o.table)) return undefined;
  const table = o.table as ChainTable;
  const expected = new Set<string>(['table', ...COMMON_COLUMNS, ...CHAIN_TABLES[table]]);
  const keys = Object.keys(o);
  if (keys.length !== expected.size || keys.some((k) => !expected.has(k))) return undefined;
  if (typeof o.seq !== 'number' || !Number.isSafeInteger(o.seq)) return undefined;
  for (const k of keys) if (k !== 'seq' && o[k] !== null && typeof o[k] !== 'string') return undefined;
  for (const k of ['at', 'prev_hash', 'hash', 'event', 'body']) if (typeof o[k] !== 'string') return undefined;
  return o as unknown as ChainRow;
}
