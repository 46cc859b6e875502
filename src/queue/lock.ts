import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  readonly key: string;
  /** False once a renewal found the lock gone (expired while Redis was away, or taken over). */
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * A Redis lock with an owner token, expiry and renewal. Used so that two runs of the same check
 * never overlap across workers and machines (BullMQ creates the next scheduler job when the
 * current one is fetched, so overlap is otherwise possible), and for the one active scheduler.
 * If the holder dies, the lock expires after `ttlMs` and someone else can take it.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | undefined> {
  const token = randomBytes(12).toString('hex');
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  let held = true;
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, token, String(ttlMs))
      .then((r) => {
        if (Number(r) !== 1) held = false;
      })
      .catch(() => undefined);
  }, Math.max(50, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    key,
    get held() {
      return held;
    },
    async release() {
      clearInterval(timer);
      held = false;
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
