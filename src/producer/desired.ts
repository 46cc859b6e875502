import { canonicalJson, sha256 } from '../lib/hash.js';
import type { Config } from '../config/normalize.js';
import { checkJobOptions, type CheckJobOptions } from '../queue/job-options.js';
import type { CheckJobData } from '../queue/payload.js';

/** One job scheduler as config wants it. */
export interface DesiredSchedule {
  id: string;
  name: string;
  pattern: string;
  tz: string;
  data: CheckJobData & { fingerprint: string };
  opts: CheckJobOptions;
}

const DAY = 24 * 3600;

/**
 * The daily digest's scheduler lives on the check queue beside the checks, so reconcile keeps
 * it like any other schedule. The id cannot collide with a check id (those are [a-z0-9-]).
 */
export const DIGEST_SCHEDULE_ID = '_daily-digest';
export const DIGEST_JOB_NAME = 'digest';

/**
 * The schedules config asks for: one per enabled check, id = check id (style habit 7). The
 * fingerprint covers everything that shapes the scheduler, so reconcile compares one string
 * and an unchanged check costs no Redis write.
 */
export function desiredSchedules(config: Config): DesiredSchedule[] {
  // A loaded config never changes (SIGHUP loads a new object), so its schedules are computed once:
  // the hourly and watchdog passes of a 10,000-check config then cost one Redis listing.
  let cached = memo.get(config);
  if (!cached) memo.set(config, (cached = computeDesired(config)));
  return cached;
}

const memo = new WeakMap<Config, DesiredSchedule[]>();

function computeDesired(config: Config): DesiredSchedule[] {
  return [...checkSchedules(config), ...digestSchedule(config)];
}

function digestSchedule(config: Config): DesiredSchedule[] {
  if (!config.digest.enabled) return [];
  const shape = {
    id: DIGEST_SCHEDULE_ID,
    name: DIGEST_JOB_NAME,
    pattern: config.digest.cron,
    tz: config.timezone,
    data: { checkId: DIGEST_SCHEDULE_ID, trigger: 'schedule' as const },
    opts: {
      attempts: 3,
      backoff: { type: 'exponential' as const, delay: 30_000 },
      removeOnComplete: { age: 7 * DAY, count: 100 },
      removeOnFail: { age: 30 * DAY, count: 100 },
    },
  };
  return [{ ...shape, data: { ...shape.data, fingerprint: sha256(canonicalJson(shape)).slice(0, 16) } }];
}

function checkSchedules(config: Config): DesiredSchedule[] {
  return config.checks
    .filter((c) => c.enabled)
    .map((c) => {
      const shape = {
        id: c.id,
        name: c.type,
        pattern: c.cron,
        tz: config.timezone,
        data: { checkId: c.id, trigger: 'schedule' as const },
        opts: checkJobOptions(c, 'schedule'),
      };
      const fingerprint = sha256(canonicalJson(shape)).slice(0, 16);
      return { ...shape, data: { ...shape.data, fingerprint } };
    });
}
