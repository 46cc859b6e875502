import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Result } from '../lib/result.js';
import type { Ledger } from './ledger.js';
import { recordRunFinished } from './runs.js';

/**
 * The last line of defence for a finished run whose ledger write kept failing (the database was
 * down longer than `ledger.writeRetrySeconds`): the Result is written to `<dataDir>/spool/` and
 * appended when the ledger is back (on start and every minute). Evidence is already sealed in the
 * archive, so nothing is lost, only recorded late.
 */
export class ResultSpool {
  constructor(private readonly dir: string) {}

  async put(result: Result): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${result.runId}.json`);
    const temp = `${file}.tmp`;
    await writeFile(temp, JSON.stringify(result), { flush: true });
    await rename(temp, file);
    return file;
  }

  /** Appends every spooled Result; returns how many made it. Stops at the first failure. */
  async flush(ledger: Ledger, logger: Logger): Promise<number> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch {
      return 0;
    }
    let done = 0;
    for (const name of names) {
      const file = join(this.dir, name);
      const result = JSON.parse(await readFile(file, 'utf8')) as Result;
      try {
        const [existing] = await ledger.query("SELECT 1 AS x FROM runs WHERE run_id = ? AND event = 'finished'", [result.runId]);
        if (!existing) await recordRunFinished(ledger, result);
      } catch (err) {
        logger.warn({ runId: result.runId, err: errorMessage(err) }, 'spooled result still cannot be recorded; will retry');
        return done;
      }
      await rm(file);
      done++;
      logger.info({ runId: result.runId, check: result.check, period: result.period.key }, 'spooled result recorded');
    }
    return done;
  }
}
