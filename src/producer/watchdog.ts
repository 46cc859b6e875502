import type { DateTime } from 'luxon';
import type { Config } from '../config/normalize.js';
import type { DesiredSchedule } from './desired.js';
import type { ExistingSchedule } from './plan.js';

export interface ScheduleProblem {
  checkId: string;
  /**
   * missing: no scheduler in Redis; overdue: its fire time passed and no job for it exists (it
   * stopped producing); waiting: the job exists but no worker has taken it (workers down or busy).
   */
  problem: 'missing' | 'overdue' | 'waiting';
  /** For overdue: the next fire time Redis still holds (ms). */
  next?: number;
  graceMinutes: number;
}

/**
 * Schedulers that should be producing and are not: gone from Redis (emptied, removed by hand),
 * or holding a `next` fire time that passed more than the check's grace ago (BullMQ schedulers
 * have been seen to stop silently, #3516, #3272; or no worker is fetching). Pure: the caller
 * lists Redis and decides what to do.
 */
export function scheduleProblems(config: Config, desired: DesiredSchedule[], existing: ExistingSchedule[], now: DateTime): ScheduleProblem[] {
  const byKey = new Map(existing.map((e) => [e.key, e]));
  const grace = new Map(config.checks.map((c) => [c.id, c.graceMinutes]));
  const problems: ScheduleProblem[] = [];
  for (const d of desired) {
    const graceMinutes = grace.get(d.id) ?? 60;
    const e = byKey.get(d.id);
    if (!e) problems.push({ checkId: d.id, problem: 'missing', graceMinutes });
    else if (typeof e.next === 'number' && e.next < now.toMillis() - graceMinutes * 60_000) {
      problems.push({ checkId: d.id, problem: 'overdue', next: e.next, graceMinutes });
    }
  }
  return problems;
}
