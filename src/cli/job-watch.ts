import { QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config/normalize.js';
import { DossierError, ExitCode, UnreachableError, errorCode, errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/redact.js';
import { logQueueError, redisHint } from '../queue/connection.js';
import { CHECK_QUEUE } from '../queue/names.js';
import type { CheckJobReturn } from '../../workers/check-worker.js';

/**
 * The waiting half of `run --wait`: subscribes to the check queue's events before the job is
 * added (so a fast worker cannot finish first), then ends the wait in exactly one way: the
 * job's return value, or a DossierError saying why not (the job failed → exit 1, no worker in
 * time → exit 3, Redis went away → exit 3). Without its own listeners a lost connection would
 * be an unhandled 'error' event: a stack trace instead of an exit code.
 */
export class JobWatch {
  private closing = false;

  private constructor(
    private readonly events: QueueEvents,
    private readonly connection: Redis,
    /** Rejects with UnreachableError when the connection ends while we still need it. */
    private readonly lost: Promise<never>,
  ) {}

  static async open(config: Config, logger: Logger): Promise<JobWatch> {
    // No reconnecting: a waiting CLI that lost Redis reports it (exit 3) rather than hang on.
    const connection = new Redis(config.redis.url, { maxRetriesPerRequest: null, retryStrategy: () => null });
    let cause: unknown;
    connection.on('error', (err) => (cause = err));
    let watch: JobWatch | undefined;
    const lost = new Promise<never>((_, reject) => {
      connection.on('end', () => {
        if (watch?.closing) return;
        const why = cause ? ` (${errorCode(cause) ?? errorMessage(cause)})` : '';
        reject(
          new UnreachableError(
            'redis',
            `lost the connection to Redis at ${redactUrl(config.redis.url)}${why} while waiting for the result (a queued job may still run: see \`dossier history\` later); ${redisHint(config.redis.url)}`,
            { cause },
          ),
        );
      });
    });
    // Nobody may be racing it yet (or any more); the rejection is read through race() below.
    lost.catch(() => undefined);
    const events = new QueueEvents(CHECK_QUEUE, { connection, prefix: config.redis.prefix });
    events.on('error', logQueueError(logger, 'run --wait queue events'));
    watch = new JobWatch(events, connection, lost);
    try {
      await Promise.race([events.waitUntilReady(), lost]);
    } catch (err) {
      await watch.close();
      throw err;
    }
    return watch;
  }

  /** The job's return value once a worker finished it, within `timeoutSeconds`. */
  async finished(job: Job, checkId: string, timeoutSeconds: number): Promise<CheckJobReturn> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UnreachableError('worker', `no worker finished ${job.id} within ${timeoutSeconds}s; is the daemon running (\`npm start\` / \`dossier start\`)? Or use --local`)),
        timeoutSeconds * 1000,
      );
    });
    // BullMQ rejects with the job's failedReason once the worker gave up on it (retries spent,
    // or a permanent error).
    const done = job.waitUntilFinished(this.events).then(
      (ret) => ret as CheckJobReturn,
      (err: unknown) => {
        throw new DossierError(`the daemon could not run ${checkId}: job ${job.id} failed (${errorMessage(err)}); its log has the details (jobId ${job.id})`, ExitCode.notOk, { cause: err });
      },
    );
    try {
      return await Promise.race([done, timeout, this.lost]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.events.close().catch(() => undefined);
    this.connection.disconnect();
  }
}
