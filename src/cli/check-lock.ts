import type { Config } from '../config/normalize.js';
import { UsageError, errorCode, errorMessage } from '../lib/errors.js';
import { redactUrl } from '../lib/redact.js';
import { commandConnection } from '../queue/connection.js';
import { checkLockKey } from '../queue/names.js';
import { tryLock } from '../queue/lock.js';

export interface LocalRunLock {
  release(): Promise<void>;
}

/**
 * Takes the check's lock for a `run --local`, with the worker's TTL (renewed by tryLock while the
 * run lasts). A lock someone holds is a usage error (exit 2): the daemon is running that check
 * now. An unreachable Redis is not: `--local` exists for when no daemon runs, so the run goes
 * ahead and `warn` says that overlap could not be ruled out.
 */
export async function lockForLocalRun(config: Config, checkId: string, warn: (text: string) => void): Promise<LocalRunLock> {
  const redis = commandConnection(config.redis.url);
  // ioredis rejects connect() with a bare "Connection is closed"; the cause arrives here.
  let cause: unknown;
  redis.on('error', (err) => (cause ??= err));
  let lock;
  try {
    await redis.connect();
    lock = await tryLock(redis, checkLockKey(config.redis.prefix, checkId), config.workers.stalledSeconds * 1000);
  } catch (err) {
    // disconnect() on a connection that already ended arms ioredis' 2 s "destroy the socket"
    // timer that nothing clears, holding the process open for nothing.
    if (redis.status !== 'end') redis.disconnect();
    const why = cause ?? err;
    warn(
      `could not take the lock of check ${checkId} in Redis at ${redactUrl(config.redis.url)} (${errorCode(why) ?? errorMessage(why)}); ` +
        'running it anyway, but a run of the same check in the daemon at this moment cannot be ruled out',
    );
    return { release: async () => undefined };
  }
  if (!lock) {
    redis.disconnect();
    throw new UsageError(`check ${checkId} is running now (in the daemon, or another \`run --local\`); wait for it to finish, or use \`dossier run ${checkId} --wait\` to queue a run after it`);
  }
  const held = lock;
  return {
    async release() {
      try {
        await held.release();
      } finally {
        redis.disconnect();
      }
    },
  };
}
