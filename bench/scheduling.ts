/**
 * Scheduling benchmark (issue 6). Every figure is printed next to a baseline measured in the same
 * run on the same private redis-server, so the ratio means something on a noisy machine:
 *
 *   1. reconcile of 10,000 checks (first apply)  vs  a raw loop of upsertJobScheduler, 50 in flight
 *   2. no-op reconcile of the same 10,000        vs  one getJobSchedulers listing (and its Redis writes: must be 0)
 *   3. lateness of 1,000 checks due at the same instant (scheduled → recorded start, p50/p99)
 *                                                 vs  raw BullMQ workers (scheduled → processedOn)
 *   4. the idle daemon on the shipped config over 60 s (RSS, CPU)  vs  an idle raw BullMQ worker process
 *
 *   npm run bench:scheduling            (BENCH_CHECKS=10000 BENCH_DUE=1000 BENCH_IDLE_S=60,
 *                                        BENCH_PARTS=reconcile,latency,idle)
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import { Archive } from '../src/archive/store.js';
import type { Config } from '../src/config/normalize.js';
import { openLedger } from '../src/ledger/open.js';
import { listResults } from '../src/ledger/runs.js';
import { systemClock } from '../src/lib/clock.js';
import { silentLogger } from '../src/lib/logger.js';
import { existingSchedules, reconcile } from '../src/producer/producer.js';
import { CHECK_QUEUE } from '../src/queue/names.js';
import { minimalConfig } from '../test/helpers/minimal-config.js';
import { startPrivateRedis } from '../test/helpers/redis-server.js';
import { startCheckWorker } from '../workers/check-worker.js';
import type { CheckHandler } from '../jobs/types.js';

const CHECKS = Number(process.env.BENCH_CHECKS ?? 10_000);
const DUE = Number(process.env.BENCH_DUE ?? 1_000);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 60);
const REPO = resolve(import.meta.dirname, '../..');
const logger = silentLogger();

const rows: Array<[string, string, string, string]> = [];
function row(what: string, dossier: string, baseline: string, ratio: string): void {
  rows.push([what, dossier, baseline, ratio]);
  console.log(`${what.padEnd(46)} ${dossier.padStart(16)}   ${baseline.padStart(16)}   ${ratio}`);
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, (performance.now() - t0) / 1000];
}

async function repeat<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function dirty(redis: Redis): Promise<number> {
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(await redis.info('persistence'))![1]);
}

function manyChecks(redisUrl: string, prefix: string, n: number, cron: (i: number) => string): Config {
  const checks = Array.from({ length: n }, (_, i) => `  - { id: c${i}, type: policy-freshness, service: s, cron: "${cron(i)}", missed: skip }`).join('\n');
  return minimalConfig(checks, `redis: { url: "${redisUrl}", prefix: ${prefix} }`);
}

async function reconcileBench(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const conn = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  // Baseline: the raw BullMQ loop, 50 upserts in flight.
  const raw = new Queue(CHECK_QUEUE, { connection: conn(), prefix: 'raw' });
  const [, rawS] = await time(async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < CHECKS) {
          const i = next++;
          await raw.upsertJobScheduler(`c${i}`, { pattern: `${i % 60} ${i % 24} * * *`, tz: 'Asia/Shanghai' }, { name: 'policy-freshness', data: { checkId: `c${i}` } });
        }
      }),
    );
  });
  const config = manyChecks(redisUrl, 'dossier', CHECKS, (i) => `${i % 60} ${i % 24} * * *`);
  const queue = new Queue(CHECK_QUEUE, { connection: conn(), prefix: 'dossier' });
  const [, firstS] = await time(() => reconcile(config, queue, logger));
  row(`reconcile ${CHECKS} checks, first apply`, `${(CHECKS / firstS).toFixed(0)} /s`, `${(CHECKS / rawS).toFixed(0)} /s raw`, `${(rawS / firstS).toFixed(2)}× raw speed`);

  // Median of three of each: one listing of 10,000 schedulers is ~0.2 s, where a GC pause shows.
  const listS = median(await repeat(3, async () => (await time(() => existingSchedules(queue)))[1]));
  const before = await dirty(redis);
  let unchanged = 0;
  const noopS = median(
    await repeat(3, async () => {
      const [plan, s] = await time(() => reconcile(config, queue, logger));
      unchanged = plan.unchanged.length;
      return s;
    }),
  );
  const writes = (await dirty(redis)) - before;
  row(`no-op reconcile of ${CHECKS} (${unchanged} unchanged)`, `${(noopS * 1000).toFixed(0)} ms`, `${(listS * 1000).toFixed(0)} ms listing`, `${(noopS / listS).toFixed(2)}× listing (target ≤ 2×)`);
  row('Redis writes during the no-op reconcile', String(writes), '0 expected', writes === 0 ? 'ok' : 'FAIL');
  await raw.obliterate({ force: true });
  await queue.obliterate({ force: true });
  await raw.close();
  await queue.close();
  redis.disconnect();
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

/** Cron (6 fields) firing once at `at` every day. */
const cronAt = (at: DateTime) => `${at.second} ${at.minute} ${at.hour} * * *`;

async function latencyBench(redisUrl: string): Promise<void> {
  const conn = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  const noop: CheckHandler<'policy-freshness'> = { type: 'policy-freshness', run: async () => ({ status: 'pass', summary: 'no-op', metrics: {}, findings: [] }) };

  // Baseline: raw BullMQ, 1,000 schedulers due at one instant, one worker, same concurrency.
  const rawDue = DateTime.now().setZone('Asia/Shanghai').plus({ seconds: 12 }).startOf('second');
  const rawQueue = new Queue('raw-late', { connection: conn(), prefix: 'raw' });
  for (let i = 0; i < DUE; i++) await rawQueue.upsertJobScheduler(`r${i}`, { pattern: cronAt(rawDue), tz: 'Asia/Shanghai' }, { name: 'noop' });
  const rawLate: number[] = [];
  const rawWorker = new Worker('raw-late', async (job) => void rawLate.push(Date.now() - (job.opts.prevMillis ?? 0)), { connection: conn(), prefix: 'raw', concurrency: 16 });
  while (rawLate.length < DUE) await new Promise((r) => setTimeout(r, 200));
  await rawWorker.close();
  await rawQueue.obliterate({ force: true });
  await rawQueue.close();

  // Dossier: the same through the check worker, with the ledger (SQLite) and archive.
  const dir = mkdtempSync(join(tmpdir(), 'dossier-bench-late-'));
  const due = DateTime.now().setZone('Asia/Shanghai').plus({ seconds: 15 }).startOf('second');
  const config = { ...manyChecks(redisUrl, 'late', DUE, () => cronAt(due)), workers: { concurrency: 16 } } as Config;
  const ledger = await openLedger(`sqlite:${join(dir, 'dossier.db')}`, systemClock);
  const queue = new Queue(CHECK_QUEUE, { connection: conn(), prefix: 'late' });
  await reconcile(config, queue, logger);
  const worker = startCheckWorker({
    connection: conn(),
    lockConnection: conn(),
    prefix: 'late',
    concurrency: 16,
    deps: () => ({ config, ledger, archive: new Archive(join(dir, 'archive')), clock: systemClock, logger, handlerFor: () => noop }),
    abort: new AbortController().signal,
  });
  let results = await listResults(ledger, { limit: DUE });
  while (results.length < DUE) {
    await new Promise((r) => setTimeout(r, 500));
    results = await listResults(ledger, { limit: DUE });
  }
  const late = results.map((r) => Date.parse(r.startedAt) - Date.parse(r.scheduledAt));
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await ledger.close();
  row(`lateness, ${DUE} checks due at once: p50`, `${quantile(late, 0.5)} ms`, `${quantile(rawLate, 0.5)} ms raw`, `${(quantile(late, 0.5) / Math.max(1, quantile(rawLate, 0.5))).toFixed(1)}× raw`);
  row(`lateness, ${DUE} checks due at once: p99`, `${quantile(late, 0.99)} ms`, `${quantile(rawLate, 0.99)} ms raw`, `${(quantile(late, 0.99) / Math.max(1, quantile(rawLate, 0.99))).toFixed(1)}× raw`);
}

/** Samples a process's RSS and CPU time from /proc over `seconds` (after it settled). */
async function idleProfile(pid: number, seconds: number): Promise<{ rssMax: number; cpuPct: number }> {
  const ticks = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100/s)
  };
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
  const t0 = ticks();
  const start = performance.now();
  let rssMax = rss();
  const samples: number[] = [];
  while (performance.now() - start < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    samples.push(rss());
    rssMax = Math.max(rssMax, samples.at(-1)!);
  }
  if (process.env.BENCH_VERBOSE) console.log(`  rss samples (MB) of ${pid}: ${samples.map((x) => (x / 1048576).toFixed(0)).join(' ')}`);
  const cpuS = (ticks() - t0) / 100;
  return { rssMax, cpuPct: (cpuS / ((performance.now() - start) / 1000)) * 100 };
}

async function idleBench(redisUrl: string): Promise<void> {
  // The shipped config and sample data, in a scratch copy so the repository's data/ is untouched.
  const dir = mkdtempSync(join(tmpdir(), 'dossier-bench-idle-'));
  cpSync(join(REPO, 'config'), join(dir, 'config'), { recursive: true });
  cpSync(join(REPO, 'examples'), join(dir, 'examples'), { recursive: true });
  const env = { ...process.env, REDIS_URL: redisUrl, DOSSIER_HTTP_PORT: '0', DOSSIER_LOG_LEVEL: 'warn' };
  const daemon = spawn(process.execPath, [join(REPO, 'bin/dossier.js'), 'start', '--config', join(dir, 'config/dossier.yaml')], { env, stdio: 'ignore' });
  // The raw baseline: a BullMQ worker with nothing to do, in its own process. The script lives
  // under bench/.data (gitignored) so `bullmq` and `ioredis` resolve from the repository.
  mkdirSync(join(REPO, 'bench/.data'), { recursive: true });
  const rawScript = join(REPO, 'bench/.data/idle-raw-worker.mjs');
  writeFileSync(
    rawScript,
    `import { Worker } from 'bullmq';\nimport { Redis } from 'ioredis';\n` +
      `new Worker('idle', async () => {}, { connection: new Redis(${JSON.stringify(redisUrl)}, { maxRetriesPerRequest: null }), prefix: 'raw' });\n`,
  );
  const raw = spawn(process.execPath, [rawScript], { stdio: 'ignore' });
  // Let the daemon reconcile, catch up the sample periods (two months of safety logs, the other
  // checks, the day's digest) and settle: that start-up work is not idling.
  await new Promise((r) => setTimeout(r, 30_000));
  const [d, b] = await Promise.all([idleProfile(daemon.pid!, IDLE_S), idleProfile(raw.pid!, IDLE_S)]);
  daemon.kill('SIGTERM');
  raw.kill('SIGTERM');
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  row(`idle daemon, shipped config, ${IDLE_S} s: peak RSS`, mb(d.rssMax), `${mb(b.rssMax)} raw`, `target ≤ 120 MB: ${d.rssMax <= 120 * 1024 * 1024 ? 'ok' : 'OVER'}`);
  row(`idle daemon, shipped config, ${IDLE_S} s: CPU`, `${d.cpuPct.toFixed(2)} %`, `${b.cpuPct.toFixed(2)} % raw`, `target ≤ 1 %: ${d.cpuPct <= 1 ? 'ok' : 'OVER'}`);
}

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  console.log(`Dossier scheduling benchmark — private redis-server ${redis.url}, ${new Date().toISOString()}`);
  console.log(`${'figure'.padEnd(46)} ${'dossier'.padStart(16)}   ${'baseline'.padStart(16)}   ratio`);
  const parts = (process.env.BENCH_PARTS ?? 'reconcile,latency,idle').split(',');
  try {
    if (parts.includes('reconcile')) await reconcileBench(redis.url);
    if (parts.includes('latency')) await latencyBench(redis.url);
    if (parts.includes('idle')) await idleBench(redis.url);
  } finally {
    await redis.stop();
  }
  process.exit(0);
}

await main();
