import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/lib/logger.js';
import { reconcile } from '../../src/producer/producer.js';
import { CHECK_QUEUE } from '../../src/queue/names.js';
import { runCli } from '../helpers/cli.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { baseConfig, tempWorkspace, writeConfig } from '../helpers/workspace.js';
import { minimalConfig } from '../helpers/minimal-config.js';

/** A private Redis: the test counts writes, which the shared one cannot isolate. */
let redis: PrivateRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startPrivateRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

const config = (prefix: string, checks: string) => minimalConfig(checks, `redis: { url: "${redis.url}", prefix: ${prefix} }`);

const A = '  - { id: a, type: policy-freshness, service: s, cron: "0 10 * * 1" }\n';
const B = '  - { id: b, type: policy-freshness, service: s, cron: "0 11 * * *" }\n';
const C = '  - { id: c, type: policy-freshness, service: s, cron: "30 9 1 * *" }\n';

async function writes(): Promise<number> {
  const info = await client.info('persistence');
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
}

async function inRedis(queue: Queue): Promise<Array<[string, string | undefined, string | undefined]>> {
  return (await queue.getJobSchedulers(0, -1, true)).map((s) => [s.key, s.pattern, s.tz] as [string, string | undefined, string | undefined]).sort();
}

describe('reconcile against Redis', () => {
  it('adds, changes and removes schedulers to match config; a second pass writes nothing', async () => {
    const queue = new Queue(CHECK_QUEUE, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: 'rec1' });
    const log = silentLogger();

    const first = await reconcile(config('rec1', A + B), queue, log);
    expect(first.add.map((d) => d.id)).toEqual(['a', 'b']);
    expect(await inRedis(queue)).toEqual([
      ['a', '0 10 * * 1', 'Asia/Shanghai'],
      ['b', '0 11 * * *', 'Asia/Shanghai'],
    ]);

    const changed = config('rec1', A.replace('0 10 * * 1', '0 12 * * 1') + C);
    const second = await reconcile(changed, queue, log);
    expect([second.add.map((d) => d.id), second.update.map((u) => u.desired.id), second.remove.map((r) => r.key)]).toEqual([['c'], ['a'], ['b']]);
    expect(await inRedis(queue)).toEqual([
      ['a', '0 12 * * 1', 'Asia/Shanghai'],
      ['c', '30 9 1 * *', 'Asia/Shanghai'],
    ]);
    // One delayed job per scheduler: the changed pattern replaced the old job, the removed one is gone.
    expect((await queue.getDelayed()).map((j) => j.id!.split(':')[1]).sort()).toEqual(['a', 'c']);

    const before = await writes();
    const third = await reconcile(changed, queue, log);
    expect(third.unchanged.map((d) => d.id)).toEqual(['a', 'c']);
    expect(await writes()).toBe(before);
    await queue.close();
  });

  it('never touches schedulers under another prefix', async () => {
    const other = new Queue(CHECK_QUEUE, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: 'someone-else' });
    await other.upsertJobScheduler('b', { pattern: '0 1 * * *' }, { name: 'theirs' });
    const mine = new Queue(CHECK_QUEUE, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: 'rec2' });
    await reconcile(config('rec2', A + B), mine, silentLogger());
    await reconcile(config('rec2', A), mine, silentLogger()); // removes b under rec2 only
    expect(await inRedis(mine)).toEqual([['a', '0 10 * * 1', 'Asia/Shanghai']]);
    expect(await inRedis(other)).toEqual([['b', '0 1 * * *', undefined]]);
    await mine.close();
    await other.close();
  });

  it('`dossier reconcile --dry-run` prints the plan without writing; then applies it', async () => {
    const dir = tempWorkspace();
    const cfg = baseConfig({ redis: { url: redis.url, prefix: 'rec3' }, digest: { enabled: false } });
    const { path } = writeConfig(dir, cfg);
    const dry = await runCli(['reconcile', '--dry-run', '--json', '--config', path]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, added: [{ id: 'assistant-policy-freshness', cron: '0 10 * * 1', tz: 'Asia/Shanghai' }] });
    const queue = new Queue(CHECK_QUEUE, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: 'rec3' });
    expect(await queue.getJobSchedulersCount()).toBe(0);
    expect((await runCli(['reconcile', '--config', path])).stdout).toMatch(/\+ assistant-policy-freshness/);
    expect((await runCli(['reconcile', '--config', path, '--json'])).stdout).toMatch(/"unchanged": \[\s*"assistant-policy-freshness"\s*\]/);
    expect(await queue.getJobSchedulersCount()).toBe(1);

    // A running scheduler holds the lease: the command leaves the writing to it.
    await client.set('rec3:leader:scheduler', 'a-daemon', 'PX', 30_000);
    const refused = await runCli(['reconcile', '--config', path]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/a running scheduler holds the lease \(rec3:leader:scheduler\).*send it SIGHUP/);
    expect((await runCli(['reconcile', '--dry-run', '--config', path])).code).toBe(0);
    expect(await client.get('rec3:leader:scheduler')).toBe('a-daemon'); // untouched
    await queue.close();
  });
});
