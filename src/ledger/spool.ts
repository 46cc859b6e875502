import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { errorCode, errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Result } from '../lib/result.js';
import type { Ledger } from './ledger.js';
import { recordRunFinishedOnce } from './runs.js';

/**
 * The last line of defence for a finished run whose ledger write kept failing (the database was
 * down longer than `ledger.writeRetrySeconds`): the Result is written to `<dataDir>/spool/` and
 * appended when the ledger is back (on start and every minute). Evidence is already sealed in the
 * archive, so nothing is lost, only recorded late.
 *
 * Several workers may share the directory (one data volume): a file is claimed by renaming it
 * before it is read, and the "not recorded yet?" check and the append happen under the chain
 * lock, so a Result is recorded once. A file that cannot be read is set aside (`.bad`), named in
 * the log, and never stops the others or the daemon.
 */
export class ResultSpool {
  constructor(private readonly dir: string) {}

  async put(result: Result): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const file = join(this.dir, `${result.runId}.json`);
    await writeFileAtomic(file, JSON.stringify(result));
    return file;
  }

  /** Appends every spooled Result; returns how many were recorded. Never throws. */
  async flush(ledger: Ledger, logger: Logger): Promise<number> {
    let names: string[];
    try {
      await this.releaseStaleClaims();
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') logger.warn({ dir: this.dir, err: errorMessage(err) }, 'cannot list the result spool');
      return 0;
    }
    let done = 0;
    for (const name of names) {
      const file = join(this.dir, name);
      const claimed = `${file}.claimed-${process.pid}`;
      try {
        await rename(file, claimed);
        const now = new Date();
        await utimes(claimed, now, now); // the claim's age, for releaseStaleClaims
      } catch {
        continue; // another worker took it
      }
      let result: Result;
      try {
        result = JSON.parse(await readFile(claimed, 'utf8')) as Result;
      } catch (err) {
        await rename(claimed, `${file}.bad`).catch(() => undefined);
        logger.error({ file: `${file}.bad`, err: errorMessage(err) }, 'a spooled result cannot be read; set aside, record it by hand or remove it');
        continue;
      }
      try {
        await recordRunFinishedOnce(ledger, result);
      } catch (err) {
        await rename(claimed, file).catch(() => undefined); // back in the spool for the next flush
        logger.warn({ runId: result.runId, err: errorMessage(err) }, 'spooled result still cannot be recorded; will retry');
        return done;
      }
      await rm(claimed, { force: true });
      done++;
      logger.info({ runId: result.runId, check: result.check, period: result.period.key }, 'spooled result recorded');
    }
    return done;
  }

  /** A claim left by a worker that died mid-flush goes back into the spool after a while. */
  private async releaseStaleClaims(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      const m = /^(.*\.json)\.claimed-\d+$/.exec(name);
      if (!m) continue;
      const info = await stat(join(this.dir, name)).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_CLAIM_MS) await rename(join(this.dir, name), join(this.dir, m[1]!)).catch(() => undefined);
    }
  }
}

const STALE_CLAIM_MS = 10 * 60_000;
