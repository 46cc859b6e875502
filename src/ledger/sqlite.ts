import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { UnreachableError, errorMessage } from '../lib/errors.js';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './driver.js';

/**
 * SQLite through better-sqlite3 (synchronous). WAL lets the daemon and CLI commands read while
 * one writes; `BEGIN IMMEDIATE` takes the write lock at the start of an append, so the chain head
 * read inside the transaction is still the head at commit. Because the driver is synchronous but
 * the ledger's transactions are async functions, a promise queue keeps two transactions of this
 * process from interleaving on the one connection.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly description: string;
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {
    this.description = `SQLite ledger ${path}`;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { timeout: 10_000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('foreign_keys = ON');
    } catch (err) {
      throw new UnreachableError(
        'ledger',
        `cannot open the SQLite ledger at ${path}: ${errorMessage(err)}; check that the directory exists and is writable (ledger.url / dataDir in the config)`,
        { cause: err },
      );
    }
  }

  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.run<T>(sql, params);
  }

  private run<T>(sql: string, params: readonly SqlValue[]): T[] {
    const stmt = this.db.prepare(sql);
    if (stmt.reader) return stmt.all(...params) as T[];
    stmt.run(...params);
    return [];
  }

  async execScript(sql: string): Promise<void> {
    this.db.exec(sql);
  }

  writeTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn({ query: async (sql, params = []) => this.run(sql, params) });
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.db.open) this.db.close();
  }
}
