import type { Job } from 'bullmq';
import { checkJobData, scheduledInstantOf } from '../src/queue/payload.js';
import { sendDigest } from '../src/report/digest.js';
import type { CheckJobReturn } from './check-worker.js';
import type { RunDeps } from './run-check.js';

/** The digest scheduler's job: build and submit the day's digest (once per day, by key). */
export async function runDigestJob(deps: RunDeps, job: Job<unknown, CheckJobReturn>): Promise<CheckJobReturn> {
  const data = checkJobData.parse(job.data);
  const scheduledAt = scheduledInstantOf(job, data, deps.config.timezone);
  if (!deps.notifier) return { skipped: 'no notifier in this process' };
  const report = await sendDigest({ ...deps, notifier: deps.notifier }, scheduledAt, deps.clock.now());
  deps.logger.info({ key: report.key, outcome: report.outcome }, 'daily digest');
  // Intake failed (ledger briefly unavailable): let BullMQ retry the job; the key keeps it once.
  if (report.outcome === 'error') throw new Error(`daily digest ${report.key} could not be recorded: ${'error' in report ? report.error : ''}`);
  return { status: report.outcome };
}
