import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Archive } from '../src/archive/store.js';
import { loadConfig } from '../src/config/load.js';
import type { Config } from '../src/config/normalize.js';
import type { Ledger } from '../src/ledger/ledger.js';
import { openLedger } from '../src/ledger/open.js';
import { ResultSpool } from '../src/ledger/spool.js';
import { systemClock, type Clock } from '../src/lib/clock.js';
import { DossierError, ExitCode, errorCode, errorMessage } from '../src/lib/errors.js';
import { canonicalJson } from '../src/lib/hash.js';
import type { Logger } from '../src/lib/logger.js';
import { DaemonMetrics } from '../src/ops/metrics.js';
import { startOpsServer } from '../src/ops/server.js';
import { SchedulerRole, type ScheduleAlert } from '../src/producer/scheduler.js';
import { assertRedisReachable, daemonConnection, logQueueError } from '../src/queue/connection.js';
import { CHECK_QUEUE } from '../src/queue/names.js';
import { localDate } from '../src/calendar/due-dates.js';
import type { Notifier } from '../src/notify/pipeline.js';
import { startCheckWorker, type CheckWorker } from './check-worker.js';
import { startNotifications } from './notify-worker.js';
import type { RunDeps } from './run-check.js';

export type Role = 'all' | 'scheduler' | 'worker';

export interface DaemonOptions {
  configPath?: string;
  role: Role;
  logger: Logger;
  clock?: Clock;
  /** How long SIGTERM waits for running checks before giving up on them. */
  drainTimeoutMs?: number;
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
  /** The port /healthz and /metrics listen on, when enabled. */
  readonly httpPort?: number;
}

/**
 * `dossier start`: the scheduler role (one active leader: reconcile, catch-up, watchdog) and the
 * worker role (run checks), together or apart. Resources are released in the reverse order of
 * acquisition (style habit 8: start and stop mirror each other).
 */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger;
  let config = loadConfig(opts.configPath);
  const releasers: Array<() => Promise<void>> = [];
  const abort = new AbortController();
  const metrics = new DaemonMetrics();

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
    const spool = new ResultSpool(join(config.dataDir, 'spool'));
    await spool.flush(ledger, logger);
    const spoolTimer = setInterval(() => void spool.flush(ledger, logger), 60_000);
    releasers.push(async () => clearInterval(spoolTimer));

    const connection = daemonConnection(config.redis.url, logger, opts.role);
    releasers.push(async () => void connection.disconnect());
    const queue = new Queue(CHECK_QUEUE, { connection, prefix: config.redis.prefix });
    queue.on('error', logQueueError(logger, 'check queue'));
    releasers.push(() => queue.close());

    // Every role can ask for email (the scheduler reports repaired schedules); only the worker
    // role delivers. Started before the check worker, so stopped after it: a draining check can
    // still email.
    const notifications = startNotifications({
      connection,
      prefix: config.redis.prefix,
      env: { config: () => config, ledger, clock, logger },
      deliver: opts.role !== 'scheduler',
      sweepIntervalMs: opts.notifySweepIntervalMs,
      onDelivered: (state) => {
        if (state === 'sent' || state === 'failed') metrics.notifications.inc({ outcome: state });
      },
    });
    releasers.push(() => notifications.close());

    let scheduler: SchedulerRole | undefined;
    if (opts.role !== 'worker') {
      scheduler = new SchedulerRole({
        config: () => config,
        ledger,
        queue,
        redis: connection,
        clock,
        logger,
        onAlert: (alert) => reportScheduleAlert(alert, logger, notifications.notifier, config, clock),
      });
    }

    // Bind the ops port before taking any work: a port clash must stop the start, not half of it.
    let httpPort: number | undefined;
    if (config.http.enabled) {
      const { server, port } = await startOpsServer(config.http.host, config.http.port, { redis: connection, ledger, queues: [queue, notifications.queue], metrics, role: opts.role, scheduler: scheduler?.status }, logger).catch(
        (err: unknown) => {
          throw new DossierError(
            `cannot serve /healthz and /metrics on ${config.http.host}:${config.http.port} (${errorCode(err) ?? errorMessage(err)}); another dossier may be running there: set http.port, or http.enabled: false`,
            ExitCode.usage,
            { cause: err },
          );
        },
      );
      httpPort = port;
      releasers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    }

    if (scheduler) {
      scheduler.start();
      releasers.push(() => scheduler!.stop());
    }

    if (opts.role !== 'scheduler') {
      const deps = (): RunDeps => ({ config, ledger, archive: new Archive(config.archive.dir), clock, logger, spool, notifier: notifications.notifier });
      const worker = startCheckWorker({
        connection,
        lockConnection: connection,
        prefix: config.redis.prefix,
        concurrency: config.workers.concurrency,
        stalledSeconds: config.workers.stalledSeconds,
        deps,
        abort: abort.signal,
        onResult: (r) => metrics.recordRun(r),
      });
      releasers.push(() => closeWorker(worker, opts.drainTimeoutMs ?? 60_000, logger, abort));
    }

    logger.info({ role: opts.role, config: config.file, checks: config.checks.length, ledger: ledger.description }, 'dossier started');

    return {
      get config() {
        return config;
      },
      httpPort,
      async reload() {
        let next: Config;
        try {
          next = loadConfig(opts.configPath);
        } catch (err) {
          logger.error({ err: errorMessage(err) }, 'config reload failed; keeping the previous config');
          return;
        }
        config = keepRestartOnly(config, next, logger);
        await scheduler?.reload();
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

/**
 * Settings bound at start (connections, the ledger, where evidence goes, the ops port, worker
 * and scheduler timing) keep their running values on SIGHUP: a half-applied change (evidence in a
 * new directory, results in the old ledger) would be worse than none. They are named in the log.
 */
const RESTART_ONLY = ['redis', 'ledger', 'archive', 'dataDir', 'outboxDir', 'http', 'workers', 'scheduler'] as const;

export function keepRestartOnly(running: Config, next: Config, logger: Logger): Config {
  const changed = RESTART_ONLY.filter((k) => canonicalJson(running[k]) !== canonicalJson(next[k]));
  if (changed.length) logger.warn({ keys: changed }, 'these settings take effect only after a restart; keeping the running values');
  return { ...next, ...Object.fromEntries(RESTART_ONLY.map((k) => [k, running[k]])) } as Config;
}

/** A repaired schedule is logged and emailed to ops (once per check and day). */
async function reportScheduleAlert(alert: ScheduleAlert, logger: Logger, notifier: Notifier, config: Config, clock: Clock): Promise<void> {
  logger.error({ check: alert.checkId, problem: alert.problem }, alert.message);
  const to = config.contacts.ops ? ['ops'] : config.digest.to;
  const hint = config.locale === 'en' ? 'Check the daemon with `dossier schedules` and `dossier status`.' : '请用 dossier schedules 和 dossier status 检查守护进程。';
  await notifier.submit(
    [{ key: `schedule-missing:${alert.checkId}:${localDate(clock.now(), config.timezone)}`, to, urgent: true, content: { template: 'plain', data: { subject: alert.message, text: `${alert.message}\n\n${hint}` } } }],
    { kind: 'system', ...(alert.serviceId ? { service: alert.serviceId } : {}), checkId: alert.checkId },
  );
}

/**
 * Drains the check worker: no new jobs, running checks finish (up to `timeoutMs`). Past that, the
 * runs are told to stop; each records its attempt as `error` (not final: the period runs again)
 * before the ledger is released, then BullMQ's side is closed.
 */
async function closeWorker(worker: CheckWorker, timeoutMs: number, logger: Logger, abort: AbortController): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([worker.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn({ timeoutMs }, 'running checks did not finish in time; abandoning them (they will be retried as stalled jobs)');
    abort.abort(new Error('the worker is shutting down'));
    await worker.settled(RECORD_GRACE_MS);
    await worker.close(true);
  }
}

/** After the drain timeout: how long aborted runs get to record their attempt. */
const RECORD_GRACE_MS = 10_000;
