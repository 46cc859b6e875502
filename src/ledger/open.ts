import type { Clock } from '../lib/clock.js';
import { UsageError } from '../lib/errors.js';
import { Ledger } from './ledger.js';
import { SqliteDriver } from './sqlite.js';

/**
 * Opens the ledger named by `ledger.url` and brings its schema up to date. Migrations are
 * forward-only and safe to run from several processes at once (each takes the write lock).
 */
export async function openLedger(url: string, clock: Clock): Promise<Ledger> {
  const driver = await driverFor(url);
  const ledger = new Ledger(driver, clock);
  try {
    await ledger.migrate();
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  return ledger;
}

async function driverFor(url: string) {
  if (url.startsWith('sqlite:')) return new SqliteDriver(url.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresDriver } = await import('./postgres.js');
    return PostgresDriver.connect(url);
  }
  throw new UsageError(`ledger.url "${url}" is not supported; use sqlite:PATH or postgres://user@host/db`);
}
