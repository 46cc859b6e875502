import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  readonly key: string;
  /** False once the lock is known lost: taken over, or not renewed for longer than its TTL. */
  readonly held: boolean;
  /** Aborted when the lock is lost; work done under the lock should stop. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

/**
 * A Redis lock with an owner token, expiry and renewal. Used so that two runs of the same check
 * never overlap across workers and machines (BullMQ creates the next scheduler job when the
 * current one is fetched, so overlap is otherwise possible), and for the one active scheduler.
 * If the holder dies, the lock expires after `ttlMs` and someone else can take it; a holder that
 * cannot renew for that long (Redis away) must assume someone else has it, so `signal` fires.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | undefined> {
  const token = randomBytes(12).toString('hex');
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  const lost = new AbortController();
  let renewed = Date.now();
  const lose = (why: string) => {
    if (!lost.signal.aborted) lost.abort(new Error(why));
  };
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, token, String(ttlMs))
      .then((r) => {
        if (Number(r) === 1) renewed = Date.now();
        else lose(`lost the lock ${key}: it expired or was taken over`);
      })
      .catch(() => {
        if (Date.now() - renewed > ttlMs) lose(`lost the lock ${key}: Redis unreachable for longer than its ${ttlMs} ms lifetime`);
      });
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    key,
    get held() {
      return !lost.signal.aborted;
    },
    signal: lost.signal,
    async release() {
      clearInterval(timer);
      if (!lost.signal.aborted) lost.abort(new Error(`released ${key}`));
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
