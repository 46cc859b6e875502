import type { Queue } from 'bullmq';
import type { Config } from '../config/normalize.js';
import type { Logger } from '../lib/logger.js';
import { desiredSchedules } from './desired.js';
import { planIsEmpty, planReconcile, type ExistingSchedule, type ReconcilePlan } from './plan.js';

const IN_FLIGHT = 50;

/** Reads every scheduler of the check queue (under the configured prefix only). */
export async function existingSchedules(queue: Queue): Promise<ExistingSchedule[]> {
  const all = await queue.getJobSchedulers(0, -1, true);
  return all.map((s) => ({
    key: s.key,
    name: s.name,
    pattern: s.pattern ?? null,
    tz: s.tz ?? null,
    every: s.every ?? null,
    next: s.next,
    template: { data: s.template?.data as { fingerprint?: string } | undefined },
  }));
}

export async function planFor(config: Config, queue: Queue): Promise<ReconcilePlan> {
  return planReconcile(desiredSchedules(config), await existingSchedules(queue));
}

/**
 * Makes Redis match config: upsert what was added or changed, remove what config no longer
 * wants, leave the rest alone. Running it twice writes nothing the second time.
 */
export async function reconcile(
  config: Config,
  queue: Queue,
  logger: Logger,
  opts: { dryRun?: boolean; /** Re-upsert these even if unchanged (the watchdog's repair). */ force?: string[] } = {},
): Promise<ReconcilePlan> {
  const plan = await planFor(config, queue);
  for (const id of opts.force ?? []) {
    const i = plan.unchanged.findIndex((d) => d.id === id);
    if (i >= 0) plan.update.push({ desired: plan.unchanged.splice(i, 1)[0]!, existing: { key: id }, why: 'repair: overdue' });
  }
  if (opts.dryRun) return plan;
  const writes: Array<() => Promise<unknown>> = [
    ...[...plan.add, ...plan.update.map((u) => u.desired)].map((d) => () =>
      queue.upsertJobScheduler(d.id, { pattern: d.pattern, tz: d.tz }, { name: d.name, data: d.data, opts: d.opts }),
    ),
    ...plan.remove.map((e) => () => queue.removeJobScheduler(e.key)),
  ];
  await inBatches(writes, IN_FLIGHT);
  if (planIsEmpty(plan)) {
    logger.debug({ unchanged: plan.unchanged.length }, 'schedules already match config');
    return plan;
  }
  logger.info(
    {
      added: plan.add.map((d) => d.id),
      updated: plan.update.map((u) => ({ id: u.desired.id, why: u.why })),
      removed: plan.remove.map((e) => e.key),
      unchanged: plan.unchanged.length,
    },
    'schedules reconciled',
  );
  return plan;
}

async function inBatches(tasks: Array<() => Promise<unknown>>, width: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, lane));
}
