import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Ledger } from './ledger.js';

/**
 * Retries a ledger write with exponential backoff (0.4 s doubling, at most 10 s apart) for up to
 * `seconds`, then lets the last error through. For writes that record something already done
 * outside the ledger — a finished run's sealed evidence, an email the SMTP server accepted — where
 * failing fast would mean doing it again.
 */
export async function retryLedgerWrite<T>(ledger: Ledger, seconds: number, logger: Logger, what: string, write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      const value = await write();
      if (attempt > 1) logger.info({ attempt }, `ledger reachable again; ${what} recorded`);
      return value;
    } catch (err) {
      const wait = Math.min(10_000, 200 * 2 ** attempt);
      if (Date.now() + wait > deadline) throw err;
      logger.warn({ err: errorMessage(err), retryInMs: wait, attempt }, `cannot record ${what} in the ${ledger.description}; retrying`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
