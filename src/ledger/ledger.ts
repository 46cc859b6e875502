import { canonicalJson, sha256 } from '../lib/hash.js';
import type { Clock } from '../lib/clock.js';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './driver.js';
import { CHAIN_TABLES, COMMON_COLUMNS, migrations, type ChainTable } from './migrations.js';

export const GENESIS_HASH = '0'.repeat(64);

export type KeyColumns<T extends ChainTable> = { [K in (typeof CHAIN_TABLES)[T][number]]: string | null };

/** One row to append; `keys` are the lookup columns of that table. */
export type AppendInput = {
  [T in ChainTable]: { table: T; event: string; keys: KeyColumns<T>; body: unknown };
}[ChainTable];

type UnsignedRow = { table: ChainTable; seq: number } & Record<string, unknown>;

/** A row as stored: common chain columns, the table's key columns, and its table name. */
export interface ChainRow {
  table: ChainTable;
  seq: number;
  at: string;
  prev_hash: string;
  hash: string;
  event: string;
  body: string;
  [key: string]: string | number | null;
}

export interface LedgerTx extends SqlExecutor {
  append(input: AppendInput): Promise<ChainRow>;
  /**
   * Takes the chain lock now instead of at the first append. Call it before reads that decide
   * what to append when another process may append the same thing (PostgreSQL only locks the
   * head row on demand; SQLite's BEGIN IMMEDIATE already holds it).
   */
  lock(): Promise<void>;
}

/**
 * sha256 over the canonical JSON of the row without its own hash, prev_hash included: the
 * table, seq, time, event, key columns and body. Values are normalized to the types the ledger
 * writes (seq a number, everything else a string or null) so SQLite and PostgreSQL rows hash
 * the same.
 */
export function rowHash(row: UnsignedRow): string {
  return sha256(canonicalJson(hashInput(row)));
}

export function hashInput(row: UnsignedRow): Record<string, unknown> {
  const out: Record<string, unknown> = { table: row.table, seq: Number(row.seq) };
  for (const col of [...COMMON_COLUMNS, ...CHAIN_TABLES[row.table]]) {
    if (col === 'seq' || col === 'hash') continue;
    const v = row[col];
    out[col] = v === null || v === undefined ? null : String(v);
  }
  return out;
}

/**
 * The tamper-evident ledger: append-only tables chained by hash, on any SqlDriver. Only
 * `append` writes; everything else reads. Domain helpers (runs.ts, and cases, notifications,
 * events in their own modules) build on `append`, `transaction` and `query`.
 */
export class Ledger {
  constructor(
    readonly driver: SqlDriver,
    private readonly clock: Clock,
  ) {}

  get description(): string {
    return this.driver.description;
  }

  async migrate(): Promise<number[]> {
    return this.driver.writeTransaction(async (tx) => {
      if (this.driver.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7400312)');
      await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = new Set((await tx.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)));
      const applied: number[] = [];
      for (const m of migrations) {
        if (done.has(m.id)) continue;
        const sql = typeof m.sql === 'string' ? m.sql : m.sql[this.driver.dialect];
        for (const statement of splitStatements(sql)) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [m.id, m.name, this.now()]);
        applied.push(m.id);
      }
      return applied;
    });
  }

  /** Appends rows in one transaction, chained in the order given. */
  async append(...inputs: AppendInput[]): Promise<ChainRow[]> {
    return this.transaction(async (tx) => {
      const rows: ChainRow[] = [];
      for (const input of inputs) rows.push(await tx.append(input));
      return rows;
    });
  }

  /**
   * A write transaction: reads may decide what to append (dedup, "is this case new?"), and the
   * decision holds because the chain head is locked for the whole transaction.
   */
  async transaction<T>(fn: (tx: LedgerTx) => Promise<T>): Promise<T> {
    return this.driver.writeTransaction(async (sql) => {
      let head: { seq: number; hash: string } | undefined;
      const tx: LedgerTx = {
        query: (q, p) => sql.query(q, p),
        append: async (input) => {
          head ??= await this.lockHead(sql);
          const row = this.buildRow(input, head.seq + 1, head.hash);
          await insertRow(sql, row);
          await sql.query('UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1', [row.seq, row.hash]);
          head = { seq: row.seq, hash: row.hash };
          return row;
        },
        lock: async () => {
          head ??= await this.lockHead(sql);
        },
      };
      return fn(tx);
    });
  }

  private async lockHead(sql: SqlExecutor): Promise<{ seq: number; hash: string }> {
    const lock = this.driver.dialect === 'postgres' ? ' FOR UPDATE' : '';
    const [head] = await sql.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM ledger_head WHERE id = 1${lock}`);
    if (!head) throw new Error('ledger_head is missing: the ledger was not migrated or was damaged; run `dossier verify`');
    return { seq: Number(head.seq), hash: head.hash };
  }

  private buildRow(input: AppendInput, seq: number, prevHash: string): ChainRow {
    const row = {
      table: input.table,
      seq,
      at: this.now(),
      prev_hash: prevHash,
      event: input.event,
      body: canonicalJson(input.body ?? {}),
      ...(input.keys as Record<string, string | null>),
    } as UnsignedRow;
    return { ...row, hash: rowHash(row) } as ChainRow;
  }

  async query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.driver.query<T>(sql, params);
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const [row] = await this.driver.query<{ seq: number; hash: string }>('SELECT seq, hash FROM ledger_head WHERE id = 1');
    return { seq: Number(row?.seq ?? 0), hash: row?.hash ?? GENESIS_HASH };
  }

  /** Rows of every chained table with fromSeq < seq <= toSeq, in chain order. */
  async chainRows(fromSeq: number, toSeq: number): Promise<ChainRow[]> {
    const rows: ChainRow[] = [];
    for (const table of Object.keys(CHAIN_TABLES) as ChainTable[]) {
      const found = await this.driver.query(`SELECT * FROM ${table} WHERE seq > ? AND seq <= ? ORDER BY seq`, [fromSeq, toSeq]);
      for (const r of found) rows.push({ ...(r as ChainRow), table, seq: Number(r.seq) });
    }
    return rows.sort((a, b) => a.seq - b.seq);
  }


  async close(): Promise<void> {
    await this.driver.close();
  }

  private now(): string {
    return this.clock.now().toUTC().toISO()!;
  }
}

async function insertRow(sql: SqlExecutor, row: ChainRow): Promise<void> {
  const columns = [...COMMON_COLUMNS, ...CHAIN_TABLES[row.table]];
  const values = columns.map((c) => (row[c] === undefined ? null : row[c])) as SqlValue[];
  await sql.query(`INSERT INTO ${row.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, values);
}

function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseBody<T = unknown>(row: { body: unknown }): T {
  return JSON.parse(String(row.body)) as T;
}
