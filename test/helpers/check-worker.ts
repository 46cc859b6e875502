import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { CheckHandler } from '../../jobs/types.js';
import type { CheckType } from '../../src/config/schema.js';
import { systemClock } from '../../src/lib/clock.js';
import { CHECK_QUEUE } from '../../src/queue/names.js';
import { startCheckWorker } from '../../workers/check-worker.js';
import { handlerFor as registry } from '../../workers/registry.js';
import { baseConfig, REDIS_URL, testEnv, type TestEnv } from './workspace.js';

export interface WorkerHarness {
  env: TestEnv;
  queue: Queue;
  worker: Worker;
  /** Stops the worker, removes the test's queue from Redis, closes everything. */
  close(): Promise<void>;
}

/**
 * A real BullMQ check worker on the shared Redis (the test's own prefix) with a real SQLite
 * ledger and archive: the given checks in the base config, `handlers` replacing chosen types.
 * Workers stamp startedAt with the real clock; handlers still get the scheduled instant.
 */
export async function startWorkerHarness(
  checks: Array<Record<string, unknown>>,
  // `any`: a test handler may stand in for any check type.
  handlers: Partial<Record<CheckType, CheckHandler<any>>> = {},
  opts: { stalledSeconds?: number } = {},
): Promise<WorkerHarness> {
  const env = await testEnv({ config: baseConfig({ checks }) });
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  const deps = { ...env, clock: systemClock, handlerFor: (t: CheckType) => handlers[t] ?? registry(t) };
  const queue = new Queue(CHECK_QUEUE, { connection: connect(), prefix: env.config.redis.prefix });
  const worker = startCheckWorker({
    connection: connect(),
    lockConnection: connect(),
    prefix: env.config.redis.prefix,
    concurrency: 4,
    deps: () => deps,
    abort: new AbortController().signal,
    overlapRetryMs: 100,
    stalledSeconds: opts.stalledSeconds,
  });
  return {
    env,
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      for (const c of connections) c.disconnect();
      await env.close();
    },
  };
}
