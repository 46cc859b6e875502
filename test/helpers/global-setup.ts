import { Redis } from 'ioredis';

/** Fail the run at once, with the fix, when the shared Redis the tests need is not there. */
export default async function setup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`tests need Redis at ${url} (${String(err)}); start it with \`redis-server --daemonize yes\` or set REDIS_URL`);
  } finally {
    redis.disconnect();
  }
}
