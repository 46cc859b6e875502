import type { Queue } from 'bullmq';
import type { DateTime } from 'luxon';
import { previousFireTime } from '../calendar/cron.js';
import { localDate } from '../calendar/due-dates.js';
import type { Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import { notificationExists } from '../ledger/notifications.js';
import type { Logger } from '../lib/logger.js';
import { enqueueOnce } from '../queue/enqueue.js';
import type { CheckJobData } from '../queue/payload.js';
import { digestKey } from '../report/digest.js';
import { DIGEST_JOB_NAME, DIGEST_SCHEDULE_ID } from './desired.js';

/**
 * BullMQ does not backfill: a daemon that was down at the digest's hour would skip the day, and
 * the chain head would go unanchored. On start (and each scheduler pass), if today's digest
 * fire time has passed and no digest for that day is recorded, one is enqueued (job id by date:
 * several schedulers still enqueue it once).
 */
export async function catchUpDigest(config: Config, ledger: Ledger, queue: Queue, now: DateTime, logger: Logger): Promise<string | undefined> {
  if (!config.digest.enabled) return undefined;
  const fire = previousFireTime(config.digest.cron, config.timezone, now);
  if (!fire || now.diff(fire, 'hours').hours >= 24) return undefined;
  const date = localDate(fire, config.timezone);
  if (await notificationExists(ledger, digestKey(date))) return undefined;
  const data: CheckJobData = { checkId: DIGEST_SCHEDULE_ID, scheduledAt: fire.toISO()!, trigger: 'catch-up' };
  const added = await enqueueOnce(queue, DIGEST_JOB_NAME, data, { jobId: `digest.${date}`, attempts: 3, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
  if (!added) return undefined;
  logger.info({ date }, 'missed daily digest enqueued');
  return date;
}
