import type { JobsOptions, Queue } from 'bullmq';

/**
 * Adds a job under a stable id unless one with that id is still waiting or running. BullMQ
 * ignores an `add` whose id exists in *any* state, including a failed job it keeps for days
 * (`removeOnFail`): that would block a period's catch-up for as long. A finished job with the id
 * is removed first, so the period is tried again. Returns whether a job was added.
 */
export async function enqueueOnce(queue: Queue, name: string, data: unknown, opts: JobsOptions & { jobId: string }): Promise<boolean> {
  const existing = await queue.getJob(opts.jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
    // A job another worker just took is locked: then it is running, which is what we wanted.
    if (!(await existing.remove().then(() => true, () => false))) return false;
  }
  const job = await queue.add(name, data, opts);
  return job.id === opts.jobId;
}
