/**
 * The few things the ledger needs from a SQL database. SQL is written once, with `?`
 * placeholders, in the subset SQLite and PostgreSQL share; each driver adapts placeholders and
 * locking. Keeping the ledger on this interface is what lets the PostgreSQL adapter share the
 * migrations, queries and the contract test suite with SQLite.
 */
export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
}

export interface SqlDriver extends SqlExecutor {
  readonly dialect: 'sqlite' | 'postgres';
  /** Human description for messages (never includes a password). */
  readonly description: string;
  /**
   * Runs `fn` in a transaction that holds the ledger's write lock from the start, so appends from
   * several processes (or several async callers in one) are serialized.
   */
  writeTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$1, $2, …` outside of string literals. */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  let inString = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") inString = !inString;
    out += ch === '?' && !inString ? `$${++n}` : ch;
  }
  return out;
}
