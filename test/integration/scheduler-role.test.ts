import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordRunFinished, recordRunStarted } from '../../src/ledger/runs.js';
import { systemClock } from '../../src/lib/clock.js';
import { SchedulerRole, type ScheduleAlert } from '../../src/producer/scheduler.js';
import { CHECK_QUEUE } from '../../src/queue/names.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { baseConfig, testEnv, uniquePrefix, type TestEnv } from '../helpers/workspace.js';
import { until } from '../helpers/wait.js';

let redis: PrivateRedis;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => redis.stop());

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});


interface Instance {
  role: SchedulerRole;
  queue: Queue;
  alerts: ScheduleAlert[];
}

function instance(env: TestEnv): Instance {
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue(CHECK_QUEUE, { connection, prefix: env.config.redis.prefix });
  const alerts: ScheduleAlert[] = [];
  const role = new SchedulerRole({
    config: () => env.config,
    ledger: env.ledger,
    queue,
    redis: connection,
    clock: systemClock,
    logger: env.logger,
    onAlert: async (a) => void alerts.push(a),
  });
  cleanup.push(() => connection.disconnect(), () => queue.close(), () => role.stop());
  return { role, queue, alerts };
}

async function env(checks: Array<Record<string, unknown>>, scheduler = { leaseSeconds: 1, catchUpMinutes: 60, watchdogMinutes: 0.05 }): Promise<TestEnv> {
  // No digest scheduler: these tests count the checks' schedulers.
  const e = await testEnv({ config: baseConfig({ redis: { url: redis.url, prefix: uniquePrefix('sched') }, scheduler, checks, digest: { enabled: false } }) });
  cleanup.push(() => e.close());
  return e;
}

const weekly = { id: 'pf', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * 1', missed: 'skip' };

describe('scheduler role', () => {
  it('of two schedulers racing, one is leader and writes; the other takes over when it stops', async () => {
    const e = await env([weekly]);
    const a = instance(e);
    const b = instance(e);
    a.role.start();
    b.role.start();
    await until('a leader', () => a.role.status.leader || b.role.status.leader);
    await new Promise((r) => setTimeout(r, 700));
    expect([a.role.status.leader, b.role.status.leader].filter(Boolean)).toHaveLength(1);
    await until('reconciled', async () => (await a.queue.getJobSchedulersCount()) === 1);
    expect((await a.queue.getDelayed()).map((j) => j.id!.split(':')[1])).toEqual(['pf']);

    const [leader, standby] = a.role.status.leader ? [a, b] : [b, a];
    const stoppedAt = Date.now();
    await leader.role.stop();
    await until('takeover', () => standby.role.status.leader, 5_000);
    // Lease 1 s, standby polls every lease/3: takeover is bounded by about 1.3 × the lease.
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    expect(await standby.queue.getJobSchedulersCount()).toBe(1);
  });

  it('watchdog: a scheduler that vanished from Redis is recorded, re-created and reported', async () => {
    const e = await env([weekly]);
    // The check has history, so its scheduler missing is a fault, not a config change.
    const start = { runId: 'r0', check: 'pf', type: 'policy-freshness', service: 'assistant', period: { key: '2026-11-23', start: 'a', end: 'b' }, scheduledAt: '2026-11-23T10:00:00+08:00', startedAt: 'x', attempt: 1, trigger: 'schedule' as const };
    await recordRunStarted(e.ledger, start);
    await recordRunFinished(e.ledger, { ...start, finishedAt: 'y', status: 'pass', summary: '', metrics: {}, findings: [], evidence: [] });
    const a = instance(e);
    a.role.start();
    await until('reconciled', async () => (await a.queue.getJobSchedulersCount()) === 1);

    await a.queue.removeJobScheduler('pf'); // someone, or something, removed it
    await until('repaired', async () => (await a.queue.getJobSchedulersCount()) === 1 && a.alerts.length > 0, 10_000);
    expect(a.alerts[0]).toMatchObject({ checkId: 'pf', problem: 'missing', serviceId: 'assistant' });
    expect(a.alerts[0]!.message).toBe('检查 pf 的调度在 Redis 中丢失，已重新创建');
    const [event] = await e.ledger.query<{ event: string; subject: string; body: string }>('SELECT event, subject, body FROM events');
    expect(event).toMatchObject({ event: 'schedule-missing', subject: 'pf' });
    expect(JSON.parse(event!.body).finding).toMatchObject({ code: 'schedule-missing', severity: 'warn' });
  });

  it('watchdog: a run still queued past its grace means the workers are not taking it; it is reported, not touched', async () => {
    const e = await env([{ id: 'tick', type: 'policy-freshness', service: 'assistant', cron: '* * * * * *', graceMinutes: 0.1, missed: 'skip' }]);
    const a = instance(e);
    a.role.start();
    await until('a waiting alert', () => a.alerts.some((x) => x.problem === 'waiting'), 20_000);
    const alert = a.alerts.find((x) => x.problem === 'waiting')!;
    expect(alert).toMatchObject({ checkId: 'tick', graceMinutes: 0.1 });
    expect(alert.message).toMatch(/仍在排队：没有可用的 worker/);
    // The queued run is still there for a worker to take: no repair deleted it.
    expect(await a.queue.getJob(`repeat:tick:${alert.next}`)).toBeDefined();
    expect(a.alerts.some((x) => x.problem === 'overdue')).toBe(false);
  }, 30_000);

  it('watchdog: a scheduler that stopped producing (its fire time passed, no job for it) is repaired', async () => {
    const e = await env([{ id: 'tick', type: 'policy-freshness', service: 'assistant', cron: '* * * * * *', graceMinutes: 0.1, missed: 'skip' }]);
    const a = instance(e);
    a.role.start();
    await until('scheduled', async () => (await a.queue.getJobSchedulersCount()) === 1);
    // The scheduler's job vanishes (the silent stop of BullMQ #3516/#3272): its `next` stays behind.
    const [s0] = await a.queue.getJobSchedulers();
    // BullMQ will not remove a scheduler's job through its API: take it out of Redis directly.
    const id = `repeat:tick:${s0!.next}`;
    const base = `${e.config.redis.prefix}:checks`;
    const probe = new Redis(redis.url);
    await probe.multi().zrem(`${base}:delayed`, id).lrem(`${base}:wait`, 0, id).zrem(`${base}:prioritized`, id).del(`${base}:${id}`).exec();
    probe.disconnect();
    await until('overdue alert', () => a.alerts.some((x) => x.problem === 'overdue'), 20_000);
    expect(a.alerts.find((x) => x.problem === 'overdue')!.message).toMatch(/已超过宽限期（0.1 分钟）未运行.*已修复/);
    await until('a new job', async () => ((await a.queue.getJobSchedulers())[0]?.next ?? 0) > s0!.next!);
  }, 30_000);

  it('stopping during the first pass leaves no timers and no lease behind', async () => {
    const e = await env([weekly]);
    for (const delay of [0, 5, 20]) {
      const a = instance(e);
      a.role.start();
      await new Promise((r) => setTimeout(r, delay));
      await a.role.stop();
      expect((a.role as unknown as { timers: unknown[] }).timers).toEqual([]);
      const probe = new Redis(redis.url);
      expect(await probe.get(`${e.config.redis.prefix}:leader:scheduler`)).toBeNull();
      probe.disconnect();
    }
  });

  it('a check new in config is not reported missing', async () => {
    const e = await env([weekly]);
    const a = instance(e);
    a.role.start();
    await until('reconciled', async () => (await a.queue.getJobSchedulersCount()) === 1);
    await new Promise((r) => setTimeout(r, 3500)); // at least one watchdog pass
    expect(a.alerts).toEqual([]);
  });
});
