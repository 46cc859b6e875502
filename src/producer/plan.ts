import type { DesiredSchedule } from './desired.js';

/** What Redis holds for one scheduler (the fields of BullMQ's JobSchedulerJson we compare). */
export interface ExistingSchedule {
  key: string;
  name?: string;
  pattern?: string | null;
  tz?: string | null;
  every?: number | null;
  next?: number;
  template?: { data?: { fingerprint?: string } };
}

export interface ReconcilePlan {
  add: DesiredSchedule[];
  update: Array<{ desired: DesiredSchedule; existing: ExistingSchedule; why: string }>;
  remove: ExistingSchedule[];
  unchanged: DesiredSchedule[];
}

/**
 * Pure diff of desired schedules against what Redis holds. An unchanged upsert is not free in
 * BullMQ (it rewrites the delayed job), so only real differences become writes.
 */
export function planReconcile(desired: DesiredSchedule[], existing: ExistingSchedule[]): ReconcilePlan {
  const byKey = new Map(existing.map((e) => [e.key, e]));
  const plan: ReconcilePlan = { add: [], update: [], remove: [], unchanged: [] };
  for (const d of desired) {
    const e = byKey.get(d.id);
    byKey.delete(d.id);
    if (!e) {
      plan.add.push(d);
      continue;
    }
    const why = difference(d, e);
    if (why) plan.update.push({ desired: d, existing: e, why });
    else plan.unchanged.push(d);
  }
  plan.remove = [...byKey.values()];
  return plan;
}

function difference(d: DesiredSchedule, e: ExistingSchedule): string | undefined {
  if (e.pattern !== d.pattern) return `cron ${e.pattern ?? (e.every ? `every ${e.every}ms` : '?')} → ${d.pattern}`;
  if ((e.tz ?? undefined) !== d.tz) return `timezone ${e.tz ?? '(none)'} → ${d.tz}`;
  if (e.name !== d.name) return `job name ${e.name} → ${d.name}`;
  if (e.template?.data?.fingerprint !== d.data.fingerprint) return 'retries, backoff or job data changed';
  return undefined;
}

export function planIsEmpty(plan: ReconcilePlan): boolean {
  return plan.add.length === 0 && plan.update.length === 0 && plan.remove.length === 0;
}
