import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UnreachableError, errorMessage } from '../lib/errors.js';
import type { Row, SqlDriver, SqlExecutor, SqlValue } from './driver.js';

/**
 * Write transactions per database file in this process, one after the other. The ledger's
 * transactions are async functions; two of them interleaving (even on two connections to the
 * same file) would make the second `BEGIN IMMEDIATE` busy-wait synchronously for a lock the first
 * can never release, because the busy wait blocks the event loop. Across processes the wait is
 * harmless: a ledger transaction does no I/O besides its SQL, so it holds the lock for
 * microseconds.
 */
const writeQueues = new Map<string, Promise<unknown>>();

/**
 * SQLite through better-sqlite3 (synchronous). WAL lets the daemon and CLI commands read while
 * one writes; `BEGIN IMMEDIATE` takes the write lock at the start of an append, so the chain head
 * read inside the transaction is still the head at commit.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  readonly description: string;
  private readonly db: Database.Database;
  private readonly queueKey: string;

  constructor(readonly path: string) {
    this.description = `SQLite ledger ${path}`;
    this.queueKey = path === ':memory:' ? `memory:${Math.random()}` : resolve(path);
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

  writeTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const previous = writeQueues.get(this.queueKey) ?? Promise.resolve();
    const next = previous.then(async () => {
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
    const settled = next.catch(() => undefined);
    writeQueues.set(this.queueKey, settled);
    void settled.then(() => {
      if (writeQueues.get(this.queueKey) === settled) writeQueues.delete(this.queueKey);
    });
    return next;
  }

  async close(): Promise<void> {
    await writeQueues.get(this.queueKey);
    if (this.db.open) this.db.close();
  }
}
