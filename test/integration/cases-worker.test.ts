import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { listCases } from '../../src/ledger/cases.js';
import { listResults } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { systemClock } from '../../src/lib/clock.js';
import { CHECK_QUEUE } from '../../src/queue/names.js';
import { startCheckWorker } from '../../workers/check-worker.js';
import { baseConfig, REDIS_URL, testEnv, type TestEnv } from '../helpers/workspace.js';

/** The case-opening checks through a real BullMQ worker on the shared Redis (own prefix). */
let env: TestEnv | undefined;
let worker: Worker | undefined;
let queue: Queue | undefined;
const connections: Redis[] = [];

afterEach(async () => {
  await worker?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  for (const c of connections.splice(0)) c.disconnect();
  await env?.close();
  worker = queue = env = undefined;
});

function connect(): Redis {
  const c = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  connections.push(c);
  return c;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('feature-changes and complaint-sla through the worker', () => {
  it('the worker runs both checks for their scheduled day and the cases land in the ledger', async () => {
    env = await testEnv({
      config: baseConfig({
        checks: [
          { id: 'fc', type: 'feature-changes', service: 'assistant', cron: '0 9 * * *' },
          { id: 'cs', type: 'complaint-sla', service: 'assistant', cron: '0 8 * * *' },
        ],
      }),
    });
    const deps = { ...env, clock: systemClock };
    queue = new Queue(CHECK_QUEUE, { connection: connect(), prefix: env.config.redis.prefix });
    worker = startCheckWorker({ connection: connect(), lockConnection: connect(), prefix: env.config.redis.prefix, concurrency: 2, deps: () => deps, abort: new AbortController().signal, overlapRetryMs: 100 });

    // Picked up "now" (2026 in real time or not), judged for the instants they stand for.
    await queue.add('feature-changes', { checkId: 'fc', scheduledAt: '2026-09-28T09:00:00+08:00', trigger: 'manual' });
    await queue.add('complaint-sla', { checkId: 'cs', scheduledAt: '2026-11-30T08:00:00+08:00', trigger: 'manual' });
    const results = await until('both results', async () => {
      const r = await listResults(env!.ledger, {});
      return r.length === 2 ? r : undefined;
    });
    const fc = results.find((r) => r.check === 'fc')!;
    const cs = results.find((r) => r.check === 'cs')!;
    expect(fc).toMatchObject({ status: 'warn', period: { key: '2026-09-28' } });
    expect(fc.findings.map((f) => f.deadline)).toEqual(['2026-10-16', '2026-10-16']);
    // The sample ledger: C9001 (Mon Nov 2) was due Mon Nov 23 and is still open.
    expect(cs).toMatchObject({ status: 'fail', period: { key: '2026-11-30' } });
    expect(cs.findings.find((f) => f.code === 'complaint-overdue')).toMatchObject({ deadline: '2026-11-23' });

    const cases = await listCases(env.ledger, { open: true });
    expect(cases.map((c) => [c.check, c.code]).sort()).toEqual([
      ['cs', 'complaint-unanswered'],
      ['fc', 'feature-added'],
      ['fc', 'scope-expanded'],
    ]);
    expect((await verifyChain(env.ledger)).problems).toEqual([]);
  });
});
