import { DelayedError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { findCheck } from '../src/config/normalize.js';
import { DIGEST_JOB_NAME } from '../src/producer/desired.js';
import { runDigestJob } from './digest-job.js';
import { attemptsOf, latestResult } from '../src/ledger/runs.js';
import type { Result } from '../src/lib/result.js';
import { logQueueError } from '../src/queue/connection.js';
import { tryLock } from '../src/queue/lock.js';
import { CHECK_QUEUE, checkLockKey } from '../src/queue/names.js';
import { checkJobData, scheduledInstantOf } from '../src/queue/payload.js';
import { resolveRun, runCheck, type RunDeps } from './run-check.js';

export interface CheckJobReturn {
  runId?: string;
  status?: string;
  skipped?: string;
}

/** A job that finds its check already running waits this long and tries again (one cheap Redis call). */
const OVERLAP_RETRY_MS = 1_000;
/** Interrupted starts tolerated beyond the configured attempts before a job is given up. */
const STALL_ALLOWANCE = 2;


export interface CheckWorkerOptions {
  /** Connection for the BullMQ worker (maxRetriesPerRequest: null). */
  connection: Redis;
  /** Connection for locks (may be the same as the worker's). */
  lockConnection: Redis;
  prefix: string;
  concurrency: number;
  /** BullMQ's lock duration and stalled-check interval: how soon a killed worker's job runs again. */
  stalledSeconds?: number;
  /** Current config; a function so SIGHUP reloads reach running workers. */
  deps: () => RunDeps;
  /** Fires when the process must stop now; running handlers are told to give up. */
  abort: AbortSignal;
  /** How long a job that finds its check running waits before trying again (default 1 s). */
  overlapRetryMs?: number;
  /** Called with every recorded attempt (metrics). */
  onResult?: (result: Result) => void;
}

/**
 * The BullMQ side of running checks: derives the scheduled instant, keeps runs of one check from
 * overlapping, skips periods that already have a result (a scheduler job and a catch-up job for
 * the same period), and turns a recoverable failure into a BullMQ retry.
 */
/** The BullMQ worker, plus a way to wait for runs that are still recording (shutdown). */
export type CheckWorker = Worker<unknown, CheckJobReturn> & {
  /** Resolves when every run in progress has recorded its attempt, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void>;
};

export function startCheckWorker(opts: CheckWorkerOptions): CheckWorker {
  const stalledMs = (opts.stalledSeconds ?? 30) * 1000;
  const inflight = new Set<Promise<unknown>>();
  const processor = async (job: Job<unknown, CheckJobReturn>, token?: string): Promise<CheckJobReturn> => {
    const deps = opts.deps();
    if (job.name === DIGEST_JOB_NAME) return runDigestJob(deps, job);
    const data = checkJobData.parse(job.data);
    const check = findCheck(deps.config, data.checkId);
    const log = deps.logger.child({ jobId: job.id, check: data.checkId });
    if (!check || !check.enabled) {
      log.warn('job for a check that is no longer in config (or disabled); dropped');
      return { skipped: 'not-in-config' };
    }
    const scheduledAt = scheduledInstantOf(job, data, deps.config.timezone);
    // Outlives a dead holder by about one stalled interval, so the re-run of its job finds it free.
    const lock = await tryLock(opts.lockConnection, checkLockKey(opts.prefix, check.id), stalledMs);
    if (!lock) {
      const wait = opts.overlapRetryMs ?? OVERLAP_RETRY_MS;
      log.debug({ retryInMs: wait }, 'another run of this check is in progress; waiting');
      await job.moveToDelayed(Date.now() + wait, token);
      throw new DelayedError();
    }
    try {
      const { period } = resolveRun(deps.config, { checkId: check.id, scheduledAt, periodKey: data.periodKey });
      if (data.trigger !== 'manual') {
        const existing = await latestResult(deps.ledger, check.id, period.key);
        if (existing) {
          log.info({ period: period.key, runId: existing.runId }, 'period already has a result; skipped');
          return { skipped: 'already-recorded', runId: existing.runId, status: existing.status };
        }
      }
      // BullMQ moves a stalled scheduler job back to wait without limit, so a job that kills its
      // worker every time would loop for ever. Dossier counts the attempts it saw start.
      const started = (await attemptsOf(deps.ledger, check.id, period.key))
        .filter((a) => a.event === 'started' && (a.body as { jobId?: string }).jobId === job.id).length;
      const cap = (job.opts.attempts ?? 1) + STALL_ALLOWANCE;
      const giveUp = started >= cap;
      if (giveUp) log.error({ started, cap }, 'this job keeps dying mid-run; recording it inconclusive instead of starting it again');
      const running = runCheck(deps, {
        checkId: check.id,
        scheduledAt,
        periodKey: data.periodKey,
        trigger: data.trigger,
        attempt: job.attemptsMade + 1,
        maxAttempts: job.opts.attempts ?? 1,
        jobId: job.id,
        // Stop the run if the process stops or the lock is lost (Redis away longer than its TTL):
        // another worker may then take the period, and two runs of a check must not overlap.
        signal: AbortSignal.any([opts.abort, lock.signal]),
        ...(giveUp ? { giveUp: `gave up after ${started} attempts that never finished (the worker died each time); see the logs around those runs` } : {}),
      });
      inflight.add(running);
      const { result, retry } = await running.finally(() => inflight.delete(running));
      opts.onResult?.(result);
      if (retry) throw new Error(result.error ?? 'attempt failed');
      return { runId: result.runId, status: result.status };
    } finally {
      await lock.release();
    }
  };

  const worker = new Worker<unknown, CheckJobReturn>(CHECK_QUEUE, processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    autorun: true,
    lockDuration: stalledMs,
    stalledInterval: stalledMs,
    // BullMQ would fail a job stalled twice without recording anything; Dossier caps interrupted
    // attempts itself (STALL_ALLOWANCE) and records the give-up as an inconclusive result.
    maxStalledCount: 1000,
  });
  worker.on('error', (err) => logQueueError(opts.deps().logger, 'check worker')(err));
  return Object.assign(worker, {
    async settled(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    },
  });
}
