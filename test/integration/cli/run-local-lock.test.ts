import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tryLock } from '../../../src/queue/lock.js';
import { runCli } from '../../helpers/cli.js';
import { freePort, startPrivateRedis, type PrivateRedis } from '../../helpers/redis-server.js';
import { baseConfig, REDIS_URL, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

const CHECK = 'assistant-policy-freshness';
const AT = '2026-11-30T10:00:00+08:00';

function workspace(redis: Record<string, unknown> = {}) {
  const written = baseConfig();
  Object.assign(written.redis as Record<string, unknown>, redis);
  const { path } = writeConfig(tempWorkspace(), written);
  const prefix = (written.redis as { prefix: string }).prefix;
  return { path, lockKey: `${prefix}:lock:check:${CHECK}` };
}

async function runsRecorded(path: string): Promise<number> {
  const out = await runCli(['history', '--json', '--config', path]);
  return (JSON.parse(out.stdout) as unknown[]).length;
}

/** `run --local` and the daemon's workers share the per-check lock, so their runs never overlap (spec §5). */
describe('run --local takes the per-check lock the workers take', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(() => redis.disconnect());

  it('refuses with exit 2 while someone holds it, runs once it is free, and leaves it free', async () => {
    const { path, lockKey } = workspace();
    // The test plays the daemon's worker: the same key, the same lock code.
    const held = await tryLock(redis, lockKey, 60_000);
    expect(held).toBeDefined();

    const refused = await runCli(['run', CHECK, '--local', '--at', AT, '--config', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`dossier: check ${CHECK} is running now (in the daemon, or another \`run --local\`); wait for it to finish, or use \`dossier run ${CHECK} --wait\``);
    expect(refused.stdout).toBe('');
    expect(await runsRecorded(path)).toBe(0);
    expect(await redis.exists(lockKey)).toBe(1); // not taken over or deleted by the refused run

    await held!.release();
    const ran = await runCli(['run', CHECK, '--local', '--json', '--at', AT, '--config', path]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ check: CHECK, status: 'pass', trigger: 'local' });
    expect(await runsRecorded(path)).toBe(1);
    // Released at the end, not left to expire: the daemon's next run need not wait.
    expect(await redis.exists(lockKey)).toBe(0);
  });
});

describe('run --local holds the lock for the whole run', () => {
  let priv: PrivateRedis;
  beforeAll(async () => {
    priv = await startPrivateRedis();
  });
  afterAll(() => priv.stop());

  it('takes the lock (SET) and deletes it when the run is recorded (keyspace events of a private Redis)', async () => {
    const { path, lockKey } = workspace({ url: priv.url });
    const admin = new Redis(priv.url, { maxRetriesPerRequest: null });
    const sub = new Redis(priv.url, { maxRetriesPerRequest: null });
    try {
      await admin.config('SET', 'notify-keyspace-events', 'K$g');
      const seen: string[] = [];
      sub.on('message', (_channel: string, event: string) => seen.push(event));
      await sub.subscribe(`__keyspace@0__:${lockKey}`);

      const ran = await runCli(['run', CHECK, '--local', '--at', AT, '--config', path]);
      expect(ran.code).toBe(0);
      // Replies on one connection arrive in order: after this PING, every event published earlier is in.
      await sub.ping();
      expect(seen[0]).toBe('set');
      expect(seen.at(-1)).toBe('del');
      expect(await admin.exists(lockKey)).toBe(0);
    } finally {
      sub.disconnect();
      admin.disconnect();
    }
  });
});

describe('run --local without Redis', () => {
  it('still runs (it needs no daemon) and warns that overlap could not be ruled out, without the password', async () => {
    const port = await freePort();
    const { path } = workspace({ url: `redis://:s3cret@127.0.0.1:${port}` });
    const out = await runCli(['run', CHECK, '--local', '--json', '--at', AT, '--config', path], { timeoutMs: 20_000 });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ check: CHECK, status: 'pass' });
    expect(out.stderr).toContain(`dossier: warning: could not take the lock of check ${CHECK} in Redis at redis://:***@127.0.0.1:${port} (ECONNREFUSED)`);
    expect(out.stderr).toContain('a run of the same check in the daemon at this moment cannot be ruled out');
    expect(out.stderr).not.toContain('s3cret');
    expect(await runsRecorded(path)).toBe(1);
  });
});
