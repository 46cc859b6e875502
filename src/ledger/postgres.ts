import pg from 'pg';
import { UnreachableError, errorCode, errorMessage } from '../lib/errors.js';
import { redactUrl } from '../lib/redact.js';
import { numberedPlaceholders, type Row, type SqlDriver, type SqlExecutor, type SqlValue } from './driver.js';

// BIGINT (seq) comes back as a string by default; the ledger's seq fits a JS number for ever.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * PostgreSQL through node-postgres, for several worker machines sharing one ledger. The write
 * lock is the `ledger_head` row (`SELECT … FOR UPDATE`, taken by the ledger on its first append
 * in a transaction). An optional `?schema=name` in the URL selects a schema (created if missing);
 * tests use a fresh schema per run.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;

  private constructor(
    private readonly pool: pg.Pool,
    readonly description: string,
  ) {}

  static async connect(url: string): Promise<PostgresDriver> {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? undefined;
    u.searchParams.delete('schema');
    if (schema && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
      throw new Error(`ledger.url schema "${schema}" must be letters, digits and _`);
    }
    const pool = new pg.Pool({
      connectionString: u.toString(),
      max: 5,
      connectionTimeoutMillis: 5_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const description = `PostgreSQL ledger ${redactUrl(url)}`;
    try {
      const client = await pool.connect();
      try {
        if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new UnreachableError(
        'ledger',
        `cannot connect to the ${description}: ${errorCode(err) ?? errorMessage(err)}; check that PostgreSQL is running and ledger.url is right`,
        { cause: err },
      );
    }
    return new PostgresDriver(pool, description);
  }

  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const res = await this.pool.query(numberedPlaceholders(sql), params as SqlValue[]);
    return res.rows as T[];
  }

  async writeTransaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({
        query: async <R = Row>(sql: string, params: readonly SqlValue[] = []) =>
          (await client.query(numberedPlaceholders(sql), params as SqlValue[])).rows as R[],
      });
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (err) {
      // A connection that failed mid-transaction may be broken: discard it rather than pool it.
      const broken = await client.query('ROLLBACK').then(() => false, () => true);
      client.release(broken ? (err as Error) : undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
