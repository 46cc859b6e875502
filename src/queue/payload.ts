import { DateTime } from 'luxon';
import { z } from 'zod';

/**
 * What a check job carries. Scheduler jobs carry only the check id (and the fingerprint used by
 * reconcile); their scheduled instant is the fire time BullMQ stamps on the job. Jobs added by
 * catch-up and `run` carry the instant (and optionally the period) explicitly.
 */
export const checkJobData = z.object({
  checkId: z.string().min(1),
  fingerprint: z.string().optional(),
  scheduledAt: z.string().optional(),
  periodKey: z.string().optional(),
  trigger: z.enum(['schedule', 'catch-up', 'manual']).default('schedule'),
  requestedBy: z.string().optional(),
});
export type CheckJobData = z.input<typeof checkJobData>;

interface JobLike {
  id?: string;
  timestamp: number;
  opts: { prevMillis?: number; delay?: number };
}

/**
 * The nominal fire time of a job, never the moment a worker picked it up: a job that waited an
 * hour for a free worker still reports on the period it was scheduled for.
 */
export function scheduledInstantOf(job: JobLike, data: { scheduledAt?: string }, zone: string): DateTime {
  if (data.scheduledAt) return DateTime.fromISO(data.scheduledAt, { zone });
  if (typeof job.opts.prevMillis === 'number') return DateTime.fromMillis(job.opts.prevMillis, { zone });
  // Scheduler job ids are `repeat:<schedulerId>:<dueMillis>`.
  const millis = Number(job.id?.split(':').at(-1));
  if (job.id?.startsWith('repeat:') && Number.isFinite(millis)) return DateTime.fromMillis(millis, { zone });
  return DateTime.fromMillis(job.timestamp + (job.opts.delay ?? 0), { zone });
}

/** Job ids for period runs: stable per (check, period), so the same period is enqueued once. */
export function periodJobId(checkId: string, periodKey: string): string {
  return `period.${checkId}.${periodKey}`;
}
