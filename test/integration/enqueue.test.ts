import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueOnce } from '../../src/queue/enqueue.js';
import { until } from '../helpers/wait.js';
import { REDIS_URL, uniquePrefix } from '../helpers/workspace.js';

const prefix = uniquePrefix('enqueue');
const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const queue = new Queue('q', { connection, prefix });
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
});

describe('enqueueOnce', () => {
  it('adds once while a job is waiting; after the job failed, adds it again', async () => {
    const opts = { jobId: 'period.c.2026-10', removeOnFail: { age: 30 * 24 * 3600 } };
    expect(await enqueueOnce(queue, 'n', { a: 1 }, opts)).toBe(true);
    expect(await enqueueOnce(queue, 'n', { a: 1 }, opts)).toBe(false); // still waiting: one job
    expect(await queue.getJobCountByTypes('waiting')).toBe(1);

    const worker = new Worker('q', async () => { throw new UnrecoverableError('ledger down'); }, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
    await until('failed', async () => (await (await queue.getJob(opts.jobId))?.getState()) === 'failed');
    await worker.close();

    // BullMQ alone would ignore this add for 30 days (the failed job keeps the id).
    expect(await enqueueOnce(queue, 'n', { a: 1 }, opts)).toBe(true);
    expect(await (await queue.getJob(opts.jobId))!.getState()).toBe('waiting');
  });
});
