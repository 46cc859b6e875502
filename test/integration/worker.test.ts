import { afterEach, describe, expect, it } from 'vitest';
import type { CheckHandler } from '../../jobs/types.js';
import { verifyArchive } from '../../src/archive/verify.js';
import type { CheckType } from '../../src/config/schema.js';
import { attemptsOf, listResults, recordRunStarted } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { PermanentError } from '../../src/lib/errors.js';
import { reconcile } from '../../src/producer/producer.js';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startWorkerHarness, type WorkerHarness } from '../helpers/check-worker.js';
import { REDIS_URL, type TestEnv } from '../helpers/workspace.js';
import { until } from '../helpers/wait.js';

let harness: WorkerHarness | undefined;
let queue: Queue | undefined;
afterEach(async () => {
  await harness?.close();
  harness = queue = undefined;
});

/** A real BullMQ worker on the test's prefix; `handlers` overrides chosen check types. */
async function setup(checks: Array<Record<string, unknown>>, handlers: Partial<Record<CheckType, CheckHandler<any>>> = {}, opts: { stalledSeconds?: number } = {}): Promise<TestEnv> {
  harness = await startWorkerHarness(checks, handlers, opts);
  queue = harness.queue;
  return harness.env;
}

const fixed = (status: 'pass' | 'warn' = 'pass'): CheckHandler<any> => ({
  type: 'safety-logs',
  async run(input, ctx) {
    await ctx.evidence.writeJson('summary.json', { period: input.period.key });
    return { status, summary: `period ${input.period.key}`, metrics: { scheduledAt: input.scheduledAt.toISO() }, findings: [] };
  },
});

describe('check worker', () => {
  it('a scheduled check runs through the worker into the ledger and archive, once per period', async () => {
    const e = await setup([{ id: 'pf', type: 'policy-freshness', service: 'assistant', cron: '* * * * * *' }]);
    await reconcile(e.config, queue!, e.logger);
    const [result] = await until('a recorded run', async () => {
      const r = await listResults(e.ledger, { check: 'pf' });
      return r.length ? r : undefined;
    });
    expect(result).toMatchObject({ check: 'pf', status: 'pass', trigger: 'schedule', attempt: 1 });
    expect((result!.metrics as any).keywordLibrary.entries).toBe(10240);
    expect(result!.jobId).toMatch(/^repeat:pf:\d+$/);
    // The job id carries the fire time; the recorded instant is exactly that, not pick-up time.
    expect(Date.parse(result!.scheduledAt)).toBe(Number(result!.jobId!.split(':')[2]));

    // Later fires fall on the same day: that period already has a result, so they are skipped.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await listResults(e.ledger, { check: 'pf' })).filter((r) => r.period.key === result!.period.key)).toHaveLength(1);
    expect((await verifyChain(e.ledger)).problems).toEqual([]);
    expect((await verifyArchive(e.ledger, e.archive)).problems).toEqual([]);
  });

  it('a job picked up late still records the period of its scheduled instant (Asia/Shanghai)', async () => {
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }], { 'safety-logs': fixed() });
    // Scheduled for 2026-11-01 00:30 Shanghai (= 2026-10-31T16:30Z): the month before is October.
    await queue!.add('safety-logs', { checkId: 'logs', scheduledAt: '2026-10-31T16:30:00.000Z', trigger: 'catch-up' }, { jobId: 'late-1' });
    const r = await until('late run', async () => (await listResults(e.ledger, { check: 'logs' }))[0]);
    expect(r!.period).toEqual({ key: '2026-10', start: '2026-10-01T00:00:00.000+08:00', end: '2026-11-01T00:00:00.000+08:00' });
    expect(r!.scheduledAt).toBe('2026-11-01T00:30:00.000+08:00');
    expect(Date.parse(r!.startedAt)).toBeGreaterThan(Date.parse('2026-11-29T00:00:00Z'));
  });

  it('retries a recoverable error with backoff, then records inconclusive after the last attempt', async () => {
    let calls = 0;
    const failing: CheckHandler<any> = { type: 'safety-logs', run: async () => { calls++; throw new Error('connection reset by source'); } };
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *', retries: 3, retryDelaySeconds: 0.05 }], { 'safety-logs': failing });
    await queue!.add('safety-logs', { checkId: 'logs', periodKey: '2026-10', scheduledAt: '2026-11-01T02:00:00+08:00', trigger: 'catch-up' }, { attempts: 3, backoff: { type: 'exponential', delay: 50 } });
    const final = await until('final attempt', async () => (await listResults(e.ledger, { check: 'logs' }))[0]);
    expect(calls).toBe(3);
    expect(final).toMatchObject({ status: 'inconclusive', attempt: 3, error: 'connection reset by source' });
    expect(final.findings[0]).toMatchObject({ code: 'run-error', severity: 'fail' });
    const attempts = await attemptsOf(e.ledger, 'logs', '2026-10');
    expect(attempts.filter((a) => a.event === 'finished').map((a) => a.status)).toEqual(['error', 'error', 'inconclusive']);
  });

  it('recovers when a later attempt succeeds', async () => {
    let calls = 0;
    const flaky: CheckHandler<any> = { type: 'safety-logs', run: async (i, c) => (++calls < 3 ? Promise.reject(new Error('timeout')) : fixed().run(i, c)) };
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }], { 'safety-logs': flaky });
    await queue!.add('safety-logs', { checkId: 'logs', scheduledAt: '2026-11-01T02:00:00+08:00', trigger: 'catch-up' }, { attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    const final = await until('success', async () => (await listResults(e.ledger, { check: 'logs' }))[0]);
    expect(final).toMatchObject({ status: 'pass', attempt: 3 });
  });

  it('a permanent error is recorded inconclusive at once, without retries', async () => {
    let calls = 0;
    const bad: CheckHandler<any> = { type: 'safety-logs', run: async () => { calls++; throw new PermanentError('baseline.yaml is not valid YAML (line 3)'); } };
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }], { 'safety-logs': bad });
    await queue!.add('safety-logs', { checkId: 'logs', scheduledAt: '2026-11-01T02:00:00+08:00', trigger: 'catch-up' }, { attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    const final = await until('inconclusive', async () => (await listResults(e.ledger, { check: 'logs', includeErrors: true }))[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(1);
    expect(final).toMatchObject({ status: 'inconclusive', attempt: 1 });
    expect(final.findings[0]).toMatchObject({ code: 'bad-input', message: '第 1 次尝试失败：baseline.yaml is not valid YAML (line 3)' });
  });

  it('two runs of the same check never overlap, even with free worker slots', async () => {
    let running = 0;
    let maxRunning = 0;
    const slow: CheckHandler<any> = {
      type: 'safety-logs',
      async run(i, c) {
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((r) => setTimeout(r, 300));
        running--;
        return fixed().run(i, c);
      },
    };
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }], { 'safety-logs': slow });
    for (const month of ['2026-08', '2026-09', '2026-10']) {
      await queue!.add('safety-logs', { checkId: 'logs', periodKey: month, scheduledAt: '2026-11-01T02:00:00+08:00', trigger: 'manual' });
    }
    await until('three runs', async () => (await listResults(e.ledger, { check: 'logs' })).length === 3, 40_000);
    expect(maxRunning).toBe(1);
  }, 60_000);

  it('a run whose check lock is lost stops, is recorded as not final, and the period runs again', async () => {
    let calls = 0;
    const handler: CheckHandler<any> = {
      type: 'safety-logs',
      async run(input, ctx) {
        if (++calls === 1) {
          // Works until told to stop (the lock is gone: another worker may take the period).
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
          throw new Error('stopped');
        }
        return fixed().run(input, ctx);
      },
    };
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }], { 'safety-logs': handler }, { stalledSeconds: 1 });
    await queue!.add('safety-logs', { checkId: 'logs', periodKey: '2026-10', scheduledAt: '2026-11-01T02:00:00+08:00', trigger: 'catch-up' }, { attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    await until('the first attempt to run', () => calls === 1);
    const probe = new Redis(REDIS_URL);
    await probe.del(`${e.config.redis.prefix}:lock:check:logs`); // taken over, as far as this worker can tell
    probe.disconnect();
    const final = await until('a final result', async () => (await listResults(e.ledger, { check: 'logs' }))[0], 20_000);
    expect(final.status).toBe('pass');
    const finished = (await attemptsOf(e.ledger, 'logs', '2026-10')).filter((a) => a.event === 'finished');
    expect(finished.map((a) => a.status)).toEqual(['error', 'pass']);
    expect((finished[0]!.body as { error: string }).error).toMatch(/lost the lock .*lock:check:logs: it expired or was taken over/);
  });

  it('a job that kept dying mid-run is recorded inconclusive instead of starting again', async () => {
    let calls = 0;
    const e = await setup([{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }], { 'safety-logs': { type: 'safety-logs', run: async () => (calls++, fixed().run) as never } });
    // Five starts of this job that never finished (each time the worker died): retries 3 + 2 allowed.
    const period = { key: '2026-10', start: '2026-10-01T00:00:00.000+08:00', end: '2026-11-01T00:00:00.000+08:00' };
    for (let i = 0; i < 5; i++) {
      await recordRunStarted(e.ledger, { runId: `dead-${i}`, check: 'logs', type: 'safety-logs', service: 'assistant', period, scheduledAt: '2026-11-01T02:00:00.000+08:00', startedAt: 'x', attempt: 1, trigger: 'catch-up', jobId: 'stuck-1' });
    }
    await queue!.add('safety-logs', { checkId: 'logs', periodKey: '2026-10', scheduledAt: '2026-11-01T02:00:00+08:00', trigger: 'catch-up' }, { jobId: 'stuck-1', attempts: 3 });
    const final = await until('a final result', async () => (await listResults(e.ledger, { check: 'logs' }))[0]);
    expect(calls).toBe(0);
    expect(final).toMatchObject({ status: 'inconclusive', error: expect.stringMatching(/^gave up after 5 attempts that never finished/) });
  });

  it('drops a job whose check left the config', async () => {
    const e = await setup([{ id: 'pf', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * 1' }]);
    const job = await queue!.add('policy-freshness', { checkId: 'gone', trigger: 'schedule' });
    await until('job done', async () => (await job.getState()) === 'completed');
    expect(await listResults(e.ledger, {})).toEqual([]);
  });
});
