import { randomBytes } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_QUEUE } from '../../../src/queue/names.js';
import { runCli } from '../../helpers/cli.js';
import { startPrivateRedis, type PrivateRedis } from '../../helpers/redis-server.js';
import { until } from '../../helpers/wait.js';
import { baseConfig, REDIS_URL, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

const CHECK = 'assistant-policy-freshness';
const PG_BASE = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * How `run --wait` ends when the daemon's side does not deliver a result. A real BullMQ worker on
 * the test's own prefix plays the daemon, so each way a job can end is produced for real.
 */
describe('run --wait: what the daemon did, as an exit code', () => {
  let connection: Redis;
  let worker: Worker;
  let prefix: string;
  let path: string;
  let behaviour: (job: Job) => Promise<unknown> = () => Promise.resolve({});

  beforeAll(async () => {
    const written = baseConfig();
    prefix = (written.redis as { prefix: string }).prefix;
    path = writeConfig(tempWorkspace(), written).path;
    connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    worker = new Worker(CHECK_QUEUE, (job) => behaviour(job), { connection, prefix });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    await worker.close();
    const queue = new Queue(CHECK_QUEUE, { connection, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
  });

  it('a job the worker failed: exit 1 with the job\'s reason', async () => {
    behaviour = () => Promise.reject(new UnrecoverableError('the ledger is read-only'));
    const out = await runCli(['run', CHECK, '--wait', '--config', path]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`^dossier: the daemon could not run ${CHECK}: job manual\\.${CHECK}\\.\\S+ failed \\(the ledger is read-only\\); its log has the details`));
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('a job the worker dropped (its config has no such check): exit 2 saying to use the daemon\'s config', async () => {
    behaviour = () => Promise.resolve({ skipped: 'not-in-config' });
    const out = await runCli(['run', CHECK, '--wait', '--config', path]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`dossier: the daemon did not run ${CHECK} (its config has no enabled check "${CHECK}"); run this command with the daemon's config`);
  });

  it('a run recorded in another ledger: exit 2 naming this ledger without its password', async () => {
    behaviour = () => Promise.resolve({ runId: 'r-elsewhere', status: 'pass' });
    const schema = `t_${randomBytes(5).toString('hex')}`;
    const written = baseConfig({ ledger: { url: `postgres://postgres:s3cret@127.0.0.1:5432/test?schema=${schema}` } });
    written.redis = { url: REDIS_URL, prefix };
    const pgPath = writeConfig(tempWorkspace(), written).path;
    try {
      const out = await runCli(['run', CHECK, '--wait', '--config', pgPath]);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain(
        `dossier: run r-elsewhere is not in the PostgreSQL ledger postgres://postgres:***@127.0.0.1:5432/test?schema=${schema}: the daemon recorded it in another ledger; run this command with the daemon's config`,
      );
      expect(out.stderr).not.toContain('s3cret');
    } finally {
      const client = new pg.Client(PG_BASE);
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('no worker in time: exit 3 after --timeout (fractions of a second allowed)', async () => {
    await worker.pause();
    try {
      const out = await runCli(['run', CHECK, '--wait', '--timeout', '0.5', '--config', path]);
      expect(out.code).toBe(3);
      expect(out.stderr).toMatch(/^dossier: no worker finished manual\.\S+ within 0\.5s; is the daemon running/);
    } finally {
      worker.resume();
    }
  });
});

describe('run --wait when Redis goes away while waiting', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(() => redis.stop());

  it('exits 3 naming Redis and the fix, not with a stack trace', async () => {
    const written = baseConfig();
    written.redis = { url: redis.url, prefix: 'wait' };
    const path = writeConfig(tempWorkspace(), written).path;
    const waiting = runCli(['run', CHECK, '--wait', '--config', path], { timeoutMs: 30_000 });

    // No worker runs: once the job is queued the CLI is waiting for it (it subscribed before adding).
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    const queue = new Queue(CHECK_QUEUE, { connection, prefix: 'wait' });
    queue.on('error', () => undefined);
    await until('the job is queued', async () => (await queue.getWaitingCount()) === 1);
    await queue.close();
    connection.disconnect();
    await redis.stop();

    const out = await waiting;
    expect(out.code).toBe(3);
    expect(out.stderr).toMatch(new RegExp(`^dossier: lost the connection to Redis at redis://127\\.0\\.0\\.1:${redis.port}\\b.*; start Redis`));
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
