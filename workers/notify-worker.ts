import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { logQueueError } from '../src/queue/connection.js';
import type { Redis } from 'ioredis';
import type { PendingNotification } from '../src/ledger/notifications.js';
import { errorMessage } from '../src/lib/errors.js';
import { sha256 } from '../src/lib/hash.js';
import type { Dispatch } from '../src/notify/outgoing.js';
import { createNotifier, deliver, exponentialDelay, type Notifier } from '../src/notify/pipeline.js';
import { sweepNotifications } from '../src/notify/recover.js';
import type { NotifyEnv } from '../src/notify/stage.js';
import { Transports } from '../src/notify/transports/index.js';
import { NOTIFY_QUEUE } from '../src/queue/names.js';

/** The job id of a notification: derived from its key, so it is queued once however often it is dispatched. */
export function notifyJobId(key: string): string {
  return `notify.${sha256(key).slice(0, 32)}`;
}

/** Adds the send job for a pending notification (held until its quiet hours end). */
export function queueDispatch(queue: Queue, env: NotifyEnv): Dispatch {
  return async (pending) => {
    const mail = env.config().mail;
    const delay = pending.holdUntil ? Math.max(0, Date.parse(pending.holdUntil) - Date.now()) : 0;
    await queue.add(
      'notify',
      { key: pending.key },
      {
        jobId: notifyJobId(pending.key),
        delay,
        attempts: mail.retries,
        backoff: { type: 'exponential', delay: Math.round(mail.retryDelaySeconds * 1000) },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 30 * 24 * 3600, count: 5000 },
      },
    );
  };
}

/**
 * Re-queue for the recovery sweep: a job left over in Redis as completed or failed while the
 * ledger still says pending (the worker died between sending and recording, or the ledger was
 * briefly unreachable) would block a new job with the same id, so it is removed first.
 */
function requeue(queue: Queue, dispatch: Dispatch): (pending: PendingNotification) => Promise<void> {
  return async (pending) => {
    const job = await queue.getJob(notifyJobId(pending.key));
    if (job) {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') return;
      await job.remove();
    }
    await dispatch(pending);
  };
}

export interface NotificationsHandle {
  notifier: Notifier;
  /** The notification queue (its depth is a metric). */
  queue: Queue;
  sweep(): Promise<void>;
  close(): Promise<void>;
}

export interface NotificationsOptions {
  connection: Redis;
  prefix: string;
  env: NotifyEnv;
  concurrency?: number;
  /** Run the delivery worker and the sweep here (the worker role); false: only accept requests. */
  deliver?: boolean;
  /** How often pending notifications and orphaned requests are swept (default 10 minutes). */
  sweepIntervalMs?: number;
  processEnv?: NodeJS.ProcessEnv;
  /** Called with the outcome of each delivery attempt (metrics). */
  onDelivered?: (state: 'sent' | 'retry' | 'failed' | 'skipped') => void;
}

/**
 * The notification side of the worker role: the queue that intake dispatches to, the BullMQ
 * worker that delivers (one attempt per job run; BullMQ's exponential backoff between them), and
 * the recovery sweep on start and periodically.
 */
export function startNotifications(opts: NotificationsOptions): NotificationsHandle {
  const { env } = opts;
  const queue = new Queue(NOTIFY_QUEUE, { connection: opts.connection, prefix: opts.prefix });
  queue.on('error', logQueueError(env.logger, 'notification queue'));
  const transports = new Transports(opts.processEnv);
  const dispatch = queueDispatch(queue, env);
  const notifier = createNotifier(env, dispatch);

  if (opts.deliver === false) {
    return {
      notifier,
      queue,
      sweep: async () => undefined,
      async close() {
        await queue.close();
      },
    };
  }

  const processor = async (job: Job<{ key: string }>) => {
    const mail = env.config().mail;
    const result = await deliver(env, transports, job.data.key, {
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      retryDelayMs: exponentialDelay(mail.retryDelaySeconds * 1000),
    });
    opts.onDelivered?.(result.state);
    if (result.state === 'retry') throw new Error(result.error);
    // Recorded as failed already; UnrecoverableError keeps BullMQ from spending more attempts.
    if (result.state === 'failed') throw new UnrecoverableError(result.error);
    return result.state === 'skipped' ? `skipped: ${result.reason}` : result.state;
  };
  const worker = new Worker<{ key: string }>(NOTIFY_QUEUE, processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency ?? 4,
  });
  worker.on('error', logQueueError(env.logger, 'notification worker'));

  const sweep = async () => {
    try {
      await sweepNotifications(env, notifier, requeue(queue, dispatch));
    } catch (err) {
      env.logger.warn({ err: errorMessage(err) }, 'notification sweep failed; will try again');
    }
  };
  void sweep();
  const timer = setInterval(() => void sweep(), opts.sweepIntervalMs ?? 600_000);
  timer.unref();

  return {
    notifier,
    queue,
    sweep,
    async close() {
      clearInterval(timer);
      await worker.close();
      await queue.close();
      transports.close();
    },
  };
}
