import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { listResults } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { systemClock } from '../../src/lib/clock.js';
import { CHECK_QUEUE } from '../../src/queue/names.js';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { baseConfig, tempWorkspace, uniquePrefix, writeConfig } from '../helpers/workspace.js';
import { until } from '../helpers/wait.js';

/**
 * Faults against real daemon processes and private redis-server instances (the shared Redis is
 * never stopped). Timings here are bounds on recovery, generous for a loaded 2-core machine.
 */
const daemons: DaemonProcess[] = [];
const redises: PrivateRedis[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop(5_000);
  for (const r of redises.splice(0)) await r.stop();
});

async function privateRedis(opts?: Parameters<typeof startPrivateRedis>[0]): Promise<PrivateRedis> {
  const r = await startPrivateRedis(opts);
  redises.push(r);
  return r;
}

function daemon(configPath: string, role = 'all'): DaemonProcess {
  const d = startDaemonProcess(configPath, { role });
  daemons.push(d);
  return d;
}


function workspace(redisUrl: string, overrides: Record<string, unknown>) {
  const dir = tempWorkspace();
  // No digest scheduler: these tests count the checks' schedulers and runs.
  const cfg = baseConfig({ redis: { url: redisUrl, prefix: uniquePrefix('fault') }, scheduler: { leaseSeconds: 2, catchUpMinutes: 60, watchdogMinutes: 0.05 }, digest: { enabled: false }, ...overrides });
  return { dir, cfg, ...writeConfig(dir, cfg) };
}

const connections: Redis[] = [];
afterEach(() => {
  for (const c of connections.splice(0)) c.disconnect();
});
function queueOf(url: string, prefix: string): Queue {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  connections.push(connection);
  const queue = new Queue(CHECK_QUEUE, { connection, prefix });
  queue.on('error', () => undefined);
  return queue;
}

describe('faults', () => {
  it('a SIGKILLed active scheduler is replaced by the standby within the lease', async () => {
    const redis = await privateRedis();
    const { path } = workspace(redis.url, {});
    const a = daemon(path, 'scheduler');
    await a.waitForLog('elected as the active scheduler');
    const b = daemon(path, 'scheduler');
    await b.waitForLog('dossier started');
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.logs()).not.toMatch(/elected as the active scheduler/);
    const killedAt = Date.now();
    a.kill('SIGKILL');
    await b.waitForLog('elected as the active scheduler', 15_000);
    // Lease 2 s; the standby polls every lease/3, so about 2.7 s; allow for a loaded machine.
    expect(Date.now() - killedAt).toBeLessThan(8_000);
  });

  it('Redis restarted empty: the daemon reconnects, re-creates schedules, reports them and loses nothing', async () => {
    const redis = await privateRedis();
    const { path, config } = workspace(redis.url, {});
    const d = daemon(path);
    await d.waitForLog(/"status":"pass".*"msg":"run finished"/); // the catch-up run of the weekly check
    const ledger = await openLedger(config.ledger.url, systemClock);
    const before = await listResults(ledger, {});

    await redis.stop();
    await redis.start(); // empty: no schedulers, no lease, no jobs
    const queue = queueOf(redis.url, config.redis.prefix);
    await until('schedules re-created', async () => (await queue.getJobSchedulersCount()) === 1, 30_000);
    await until('schedule-missing recorded', async () => (await ledger.query("SELECT 1 FROM events WHERE event = 'schedule-missing'")).length > 0);
    expect(d.logs()).toMatch(/lost the scheduler lease; standing by|elected as the active scheduler/);

    const after = await listResults(ledger, {});
    expect(after.map((r) => r.runId)).toEqual(expect.arrayContaining(before.map((r) => r.runId)));
    expect((await verifyChain(ledger)).problems).toEqual([]);
    await queue.close();
    await ledger.close();
  }, 60_000);

  it('Redis down for 30 s while a run is due: backoff logged per step, the run happens after recovery', async () => {
    const redis = await privateRedis({ persist: true });
    // A daily check due 12 s from now (seconds-precision cron), in the configured zone.
    const due = DateTime.now().setZone('Asia/Shanghai').plus({ seconds: 12 }).startOf('second');
    const check = { id: 'due-soon', type: 'policy-freshness', service: 'assistant', cron: `${due.second} ${due.minute} ${due.hour} * * *`, missed: 'skip' };
    const { path, config } = workspace(redis.url, { checks: [check] });
    const d = daemon(path);
    await d.waitForLog('dossier started');
    const queue = queueOf(redis.url, config.redis.prefix);
    await until('scheduled', async () => (await queue.getJobSchedulersCount()) === 1);
    await queue.close();

    await redis.stop();
    await new Promise((r) => setTimeout(r, 30_000));
    const reconnectLines = d.logs().split('\n').filter((l) => l.includes('Redis unreachable; reconnecting')).length;
    await redis.start();

    const ledger = await openLedger(config.ledger.url, systemClock);
    await until('the due run recorded', async () => (await listResults(ledger, { check: 'due-soon' })).length === 1, 30_000);
    const [r] = await listResults(ledger, { check: 'due-soon' });
    expect(r!.scheduledAt).toBe(due.toISO());
    expect(r!.trigger).toBe('schedule');
    // One line per backoff step per connection, not one per failed command.
    expect(reconnectLines).toBeGreaterThan(0);
    expect(reconnectLines).toBeLessThan(40);
    await ledger.close();
  }, 90_000);

  it('catch-up after the daemon was off for 3 months records the 3 missed periods, oldest first', async () => {
    const redis = await privateRedis();
    const monthly = { id: 'monthly', type: 'policy-freshness', service: 'assistant', cron: '0 10 1 * *', missed: 'all', catchUpDays: 100 };
    const { path, config } = workspace(redis.url, { checks: [monthly] });
    const expected = firesOfLast100Days();
    const d = daemon(path);
    const ledger = await openLedger(config.ledger.url, systemClock);
    await until('three runs', async () => (await listResults(ledger, { check: 'monthly' })).length === expected.length);
    const runs = (await listResults(ledger, { check: 'monthly' })).reverse(); // oldest recorded first
    expect(runs.map((r) => r.period.key)).toEqual(expected);
    expect(runs.every((r) => r.trigger === 'catch-up')).toBe(true);
    expect(d.logs()).toMatch(/"msg":"missed periods enqueued"/);
    await ledger.close();
  });

  it('two worker processes competing for 200 due runs record each (check, period) exactly once (PostgreSQL ledger)', async () => {
    const redis = await privateRedis();
    const schema = `t_${randomBytes(5).toString('hex')}`;
    const pgUrl = `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`;
    const checks = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, type: 'policy-freshness', service: 'assistant', cron: '0 10 * * *', missed: 'all', catchUpDays: 10 }));
    const { path, config } = workspace(redis.url, { checks, ledger: { url: pgUrl }, workers: { concurrency: 4 } });
    const scheduler = daemon(path, 'scheduler');
    const w1 = daemon(path, 'worker');
    const w2 = daemon(path, 'worker');
    await Promise.all([w1.waitForLog('dossier started'), w2.waitForLog('dossier started')]);
    const ledger = await openLedger(config.ledger.url, systemClock);
    try {
      await until('200 runs', async () => Number((await ledger.query<{ n: number }>("SELECT COUNT(*) AS n FROM runs WHERE event = 'finished'"))[0]!.n) >= 200, 120_000);
      // A second scheduler pass must not add any: every period now has a result.
      scheduler.kill('SIGHUP');
      await scheduler.waitForLog(/reload|scheduler pass/);
      await new Promise((r) => setTimeout(r, 2000));
      const rows = await ledger.query<{ check_id: string; period_key: string; n: number }>(
        "SELECT check_id, period_key, COUNT(*) AS n FROM runs WHERE event = 'finished' GROUP BY check_id, period_key",
      );
      expect(rows).toHaveLength(200);
      expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
      // Both processes did work.
      for (const w of [w1, w2]) expect(w.logs()).toMatch(/"msg":"run finished"/);
      expect((await verifyChain(ledger)).problems).toEqual([]);
    } finally {
      await ledger.close();
      const client = new pg.Client('postgres://postgres@127.0.0.1:5432/test');
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }, 180_000);

  it('/healthz and /metrics: ok with Redis up, 503 naming Redis when it is down', async () => {
    const redis = await privateRedis();
    // With the digest on: the missed digest of the day is sent at start (outbox), a notification to count.
    const { path } = workspace(redis.url, { digest: { enabled: true, cron: '0 0 * * *' } });
    const d = daemon(path);
    const line = await d.waitForLog('serving /healthz and /metrics');
    const port = JSON.parse(line).port as number;
    await d.waitForLog(/"msg":"run finished"/);
    await d.waitForLog('notification sent');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', redis: 'ok', ledger: 'ok', scheduler: { leader: true } });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^dossier_runs_total\{check="assistant-policy-freshness",status="pass"\} 1$/m);
    expect(metrics).toMatch(/^dossier_run_duration_seconds_count\{check="assistant-policy-freshness"\} 1$/m);
    expect(metrics).toMatch(/^dossier_last_success_timestamp_seconds\{check="assistant-policy-freshness"\} \d+/m);
    expect(metrics).toMatch(/^dossier_scrape_errors\{section="redis"\} 0$/m);
    expect(metrics).toMatch(/^dossier_queue_jobs\{queue="checks",state="waiting"\} \d+$/m);
    expect(metrics).toMatch(/^dossier_queue_jobs\{queue="notifications",state="delayed"\} \d+$/m);
    expect(metrics).toMatch(/^dossier_notifications_total\{outcome="sent"\} 1$/m);
    expect(metrics).toMatch(/^dossier_notifications\{state="sent"\} 1$/m);
    expect(metrics).toMatch(/^dossier_ledger_head_seq \d+$/m);

    await redis.stop();
    const down = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { redis: string }).redis).toMatch(/^error: /);
    // With Redis down, the ledger's series still come through, and the scrape says what did not.
    const partial = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(partial).toMatch(/^dossier_last_success_timestamp_seconds\{check="assistant-policy-freshness"\} \d+/m);
    expect(partial).toMatch(/^dossier_scrape_errors\{section="redis"\} 1$/m);
    expect(partial).toMatch(/^dossier_scrape_errors\{section="ledger"\} 0$/m);
    expect(await freePort()).toBeGreaterThan(0);
  });
});

/** Keys of the day periods of `0 10 1 * *` fire times in the last 100 days, oldest first. */
function firesOfLast100Days(): string[] {
  const now = DateTime.now().setZone('Asia/Shanghai');
  const out: string[] = [];
  for (let m = now.minus({ days: 100 }).startOf('month'); m <= now; m = m.plus({ months: 1 })) {
    const fire = m.set({ hour: 10 });
    if (fire > now.minus({ days: 100 }) && fire <= now) out.push(fire.toFormat('yyyy-MM-dd'));
  }
  return out;
}
