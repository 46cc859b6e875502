import type { Check } from '../config/normalize.js';

const DAY = 24 * 3600;

/**
 * BullMQ options of a check's jobs, one place for all three ways a run is asked for. Attempts and
 * backoff come from the check; retention differs: BullMQ keeps no lasting history (the ledger
 * does), so scheduled and manual jobs keep a little for debugging, and catch-up jobs go as soon
 * as they complete so their (check, period) id is free again.
 */
export interface CheckJobOptions {
  attempts: number;
  backoff: { type: 'exponential'; delay: number };
  removeOnComplete: boolean | { age: number; count: number };
  removeOnFail: { age: number; count: number };
}

export function checkJobOptions(check: Check, kind: 'schedule' | 'catch-up' | 'manual'): CheckJobOptions {
  return {
    attempts: check.retries,
    backoff: { type: 'exponential' as const, delay: Math.round(check.retryDelaySeconds * 1000) },
    ...RETENTION[kind],
  };
}

const RETENTION: Record<'schedule' | 'catch-up' | 'manual', Pick<CheckJobOptions, 'removeOnComplete' | 'removeOnFail'>> = {
  schedule: { removeOnComplete: { age: 7 * DAY, count: 1000 }, removeOnFail: { age: 30 * DAY, count: 5000 } },
  'catch-up': { removeOnComplete: true, removeOnFail: { age: 30 * DAY, count: 5000 } },
  manual: { removeOnComplete: { age: 3600, count: 1000 }, removeOnFail: { age: 7 * DAY, count: 1000 } },
};
