import { Redis, type RedisOptions } from 'ioredis';
import { UnreachableError, errorCode, errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/redact.js';

export function redisHint(url: string): string {
  return `start Redis (\`docker compose up -d redis\`, or \`redis-server --daemonize yes\`) or point REDIS_URL / redis.url at a running one (now ${redactUrl(url)})`;
}

/**
 * For commands (reconcile, run, schedules): fail fast. No offline queue and no reconnect loop,
 * so an unreachable Redis is an exit code 3 with a message, not a hang.
 */
export function commandConnection(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
}

/**
 * For the daemon: BullMQ workers need `maxRetriesPerRequest: null`, and a Redis that goes away
 * later must be waited for, not crashed on. Reconnects back off up to 30 s and each backoff
 * step is logged once, not once per failed command.
 */
export function daemonConnection(url: string, logger: Logger, role: string): Redis {
  let lastLogged = 0;
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => {
      const delay = Math.min(30_000, 250 * 2 ** Math.min(times, 7));
      if (delay !== lastLogged) {
        lastLogged = delay;
        logger.warn({ redis: redactUrl(url), role, retryInMs: delay, attempt: times }, 'Redis unreachable; reconnecting');
      }
      return delay;
    },
  };
  const redis = new Redis(url, options);
  redis.on('ready', () => {
    if (lastLogged) logger.info({ redis: redactUrl(url), role }, 'Redis reachable again');
    lastLogged = 0;
  });
  // Errors surface through retryStrategy's log; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/** Connects and PINGs once; throws UnreachableError (exit 3) naming the URL and the fix. */
export async function assertRedisReachable(url: string): Promise<void> {
  const redis = commandConnection(url);
  // ioredis rejects connect() with a generic "Connection is closed"; the cause (ECONNREFUSED,
  // ENOTFOUND, NOAUTH, …) arrives on the 'error' event.
  let cause: unknown;
  redis.on('error', (err) => (cause ??= err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const why = cause ?? err;
    throw new UnreachableError('redis', `Redis at ${redactUrl(url)} is unreachable (${errorCode(why) ?? errorMessage(why)}); ${redisHint(url)}`, { cause: why });
  } finally {
    // disconnect() on a connection that already ended arms a 2 s ioredis timer: the exit would wait.
    if (redis.status !== 'end') redis.disconnect();
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNABORTED']);

/**
 * Logs an 'error' event of a BullMQ Queue or Worker. Connection failures are already reported
 * once per backoff step by the connection itself (daemonConnection), so here they go to debug;
 * anything else is a real warning.
 */
export function logQueueError(logger: Logger, what: string): (err: Error) => void {
  return (err) => {
    const connection = CONNECTION_CODES.has(errorCode(err) ?? '') || /Connection is closed|ECONNREFUSED|ECONNRESET/.test(err.message);
    logger[connection ? 'debug' : 'warn']({ err: err.message }, `${what} error`);
  };
}
