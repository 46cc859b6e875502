import { Queue } from 'bullmq';
import { Archive } from '../src/archive/store.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/normalize.js';
import type { Ledger } from '../src/ledger/ledger.js';
import { openLedger } from '../src/ledger/open.js';
import { systemClock, type Clock } from '../src/lib/clock.js';
import { errorMessage } from '../src/lib/errors.js';
import type { Logger } from '../src/lib/logger.js';
import { catchUp } from '../src/producer/catch-up.js';
import { catchUpDigest } from '../src/producer/digest-catch-up.js';
import { reconcile } from '../src/producer/producer.js';
import { assertRedisReachable, daemonConnection } from '../src/queue/connection.js';
import { CHECK_QUEUE } from '../src/queue/names.js';
import { startCheckWorker } from './check-worker.js';
import { startNotifications, type NotificationsHandle } from './notify-worker.js';
import type { RunDeps } from './run-check.js';

export type Role = 'all' | 'scheduler' | 'worker';

export interface DaemonOptions {
  configPath?: string;
  role: Role;
  logger: Logger;
  clock?: Clock;
  /** How long SIGTERM waits for running checks before giving up on them. */
  drainTimeoutMs?: number;
  /** How often the scheduler role looks for missed periods (default hourly). */
  catchUpIntervalMs?: number;
  /** How often the worker role re-queues pending notifications (default 10 minutes). */
  notifySweepIntervalMs?: number;
}

export interface Daemon {
  /** Re-reads the config file and reconciles; an invalid file is logged and the old config kept. */
  reload(): Promise<void>;
  /** Stops taking jobs, lets running ones finish (bounded), releases everything. */
  stop(): Promise<void>;
  /** Gives up on running checks at once (second signal). */
  abortNow(): void;
  readonly config: Config;
}

/**
 * `dossier start`: the scheduler role (reconcile on start and SIGHUP, catch-up on start and
 * hourly) and the worker role (run checks), together or apart. Resources are released in the
 * reverse order of acquisition (style habit 8: start and stop mirror each other).
 */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger;
  let config = loadConfig(opts.configPath);
  const releasers: Array<() => Promise<void>> = [];
  const abort = new AbortController();

  const release = async () => {
    while (releasers.length) {
      const r = releasers.pop()!;
      await r().catch((err: unknown) => logger.warn({ err: errorMessage(err) }, 'error while releasing a resource'));
    }
  };

  try {
    await assertRedisReachable(config.redis.url);
    const ledger: Ledger = await openLedger(config.ledger.url, clock);
    releasers.push(() => ledger.close());
    const archive = new Archive(config.archive.dir);
    let notifications: NotificationsHandle | undefined;
    const deps = (): RunDeps => ({ config, ledger, archive, clock, logger, notifier: notifications?.notifier });

    const connection = daemonConnection(config.redis.url, logger, opts.role);
    releasers.push(async () => void connection.disconnect());

    if (opts.role !== 'scheduler') {
      // Started before the check worker and so stopped after it: a draining check can still email.
      notifications = startNotifications({
        connection,
        prefix: config.redis.prefix,
        env: { config: () => config, ledger, clock, logger },
        sweepIntervalMs: opts.notifySweepIntervalMs,
      });
      releasers.push(() => notifications!.close());
    }

    let queue: Queue | undefined;
    const schedule = async (reason: string) => {
      if (!queue) return;
      await reconcile(config, queue, logger);
      const missed = await catchUp(config, ledger, queue, clock.now(), logger);
      await catchUpDigest(config, ledger, queue, clock.now(), logger);
      logger.info({ reason, missed: missed.length }, 'scheduler pass done');
    };

    if (opts.role !== 'worker') {
      queue = new Queue(CHECK_QUEUE, { connection, prefix: config.redis.prefix });
      queue.on('error', (err) => logger.warn({ err: err.message }, 'check queue error'));
      releasers.push(() => queue!.close());
      await schedule('start');
      const timer = setInterval(() => {
        schedule('hourly catch-up').catch((err: unknown) => logger.error({ err: errorMessage(err) }, 'catch-up failed; will try again'));
      }, opts.catchUpIntervalMs ?? 3600_000);
      releasers.push(async () => clearInterval(timer));
    }

    if (opts.role !== 'scheduler') {
      const worker = startCheckWorker({
        connection,
        lockConnection: connection,
        prefix: config.redis.prefix,
        concurrency: config.workers.concurrency,
        deps,
        abort: abort.signal,
      });
      releasers.push(() => closeWorker(worker, opts.drainTimeoutMs ?? 60_000, logger, abort));
    }

    logger.info({ role: opts.role, config: config.file, checks: config.checks.length, ledger: ledger.description }, 'dossier started');

    return {
      get config() {
        return config;
      },
      async reload() {
        try {
          config = loadConfig(opts.configPath);
        } catch (err) {
          logger.error({ err: errorMessage(err) }, 'config reload failed; keeping the previous config');
          return;
        }
        await schedule('reload');
      },
      async stop() {
        logger.info('stopping: no new jobs; waiting for running checks');
        await release();
        logger.info('stopped');
      },
      abortNow() {
        abort.abort();
      },
    };
  } catch (err) {
    await release();
    throw err;
  }
}

async function closeWorker(worker: { close(force?: boolean): Promise<void> }, timeoutMs: number, logger: Logger, abort: AbortController): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn({ timeoutMs }, 'running checks did not finish in time; abandoning them (they will be retried as stalled jobs)');
    abort.abort();
    await worker.close(true);
  }
}
