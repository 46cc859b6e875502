import type { Queue } from 'bullmq';
import type { DateTime } from 'luxon';
import { fireTimesBetween } from '../calendar/cron.js';
import { periodFor } from '../calendar/period.js';
import { PERIOD_KIND, type Check, type Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import { recordedPeriods } from '../ledger/runs.js';
import type { Logger } from '../lib/logger.js';
import { enqueueOnce } from '../queue/enqueue.js';
import { checkJobOptions } from '../queue/job-options.js';
import { periodJobId, type CheckJobData } from '../queue/payload.js';

export interface MissedPeriod {
  periodKey: string;
  scheduledAt: DateTime;
}

/**
 * Periods of `check` whose scheduled instant lies in the last `catchUpDays` before `now` and
 * that have no recorded result, oldest first, filtered by the `missed` policy. Pure: the caller
 * supplies the recorded periods. BullMQ does not backfill, so this is what closes the gaps left
 * by a daemon that was down or a Redis that was emptied.
 */
export function missedPeriods(check: Check, zone: string, now: DateTime, recorded: Set<string>): MissedPeriod[] {
  if (!check.enabled || check.missed === 'skip' || check.catchUpDays === 0) return [];
  const fires = fireTimesBetween(check.cron, zone, now.minus({ days: check.catchUpDays }), now);
  const kind = PERIOD_KIND[check.type];
  const byPeriod = new Map<string, DateTime>();
  for (const fire of fires) {
    const key = periodFor(kind, fire, zone).key;
    if (!byPeriod.has(key)) byPeriod.set(key, fire);
  }
  const periods = [...byPeriod].map(([periodKey, scheduledAt]) => ({ periodKey, scheduledAt }));
  // `once` stands in for the latest period only: if that one has a result, nothing is missed.
  // (Taking the latest *unrecorded* period instead would walk back one older day per pass.)
  const candidates = check.missed === 'once' ? periods.slice(-1) : periods;
  return candidates.filter((p) => !recorded.has(p.periodKey));
}

/**
 * Enqueues every missed period with a job id derived from (check, period): several producers
 * doing this at once still give one job per period, and a period whose job is waiting or
 * running is not added twice.
 */
export async function catchUp(config: Config, ledger: Ledger, queue: Queue, now: DateTime, logger: Logger): Promise<MissedPeriod[]> {
  const enqueued: MissedPeriod[] = [];
  for (const check of config.checks) {
    const missed = missedPeriods(check, config.timezone, now, await recordedPeriods(ledger, check.id));
    const added: string[] = [];
    for (const m of missed) {
      const data: CheckJobData = { checkId: check.id, scheduledAt: m.scheduledAt.toISO()!, periodKey: m.periodKey, trigger: 'catch-up' };
      const fresh = await enqueueOnce(queue, check.type, data, {
        ...checkJobOptions(check, 'catch-up'),
        jobId: periodJobId(check.id, m.periodKey),
        // Older periods first, also after a job had to wait for the check's lock.
        priority: periodPriority(m.scheduledAt),
      });
      if (!fresh) continue; // already waiting or running
      added.push(m.periodKey);
      enqueued.push(m);
    }
    if (added.length) logger.info({ check: check.id, periods: added }, 'missed periods enqueued');
  }
  return enqueued;
}

/** BullMQ priority (lower runs first, 1..2,097,151): days since 2020 of the scheduled instant. */
export function periodPriority(scheduledAt: DateTime): number {
  const days = Math.floor((scheduledAt.toMillis() - Date.UTC(2020, 0, 1)) / 86_400_000);
  return Math.min(2_097_151, Math.max(1, days + 1));
}
