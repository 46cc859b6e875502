import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckHandler } from '../../jobs/types.js';
import { Archive } from '../../src/archive/store.js';
import { openLedger } from '../../src/ledger/open.js';
import { listResults } from '../../src/ledger/runs.js';
import { ResultSpool } from '../../src/ledger/spool.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { FixedClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { runCheck } from '../../workers/run-check.js';
import { freePort } from '../helpers/redis-server.js';
import { baseConfig, tempWorkspace, writeConfig } from '../helpers/workspace.js';

/**
 * PostgreSQL going away in the middle of a run, simulated at the network: the ledger talks to
 * PostgreSQL through a TCP proxy the test can cut (every connection dropped, new ones refused)
 * and restore. The shared PostgreSQL itself is never stopped.
 */
const PG = 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];
afterAll(async () => {
  const c = new pg.Client(PG);
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await c.end();
});

class Proxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  constructor(readonly port: number) {}
  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(5432, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }
}

async function setup(writeRetrySeconds: number) {
  const proxy = new Proxy(await freePort());
  await proxy.up();
  const schema = `t_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  const dir = tempWorkspace();
  const { config } = writeConfig(
    dir,
    baseConfig({
      ledger: { url: `postgres://postgres@127.0.0.1:${proxy.port}/test?schema=${schema}`, writeRetrySeconds },
      checks: [{ id: 'logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' }],
    }),
  );
  const clock = new FixedClock('2026-11-01T02:00:00+08:00');
  const ledger = await openLedger(config.ledger.url, clock);
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const handler: CheckHandler<'safety-logs'> = {
    type: 'safety-logs',
    async run(input, ctx) {
      started();
      await gate; // the database goes away while the check works
      await ctx.evidence.writeJson('summary.json', { period: input.period.key });
      return { status: 'pass', summary: 'collected', metrics: { total: 1 }, findings: [] };
    },
  };
  const spool = new ResultSpool(join(dir, 'data', 'spool'));
  const deps = { config, ledger, archive: new Archive(config.archive.dir), clock, logger: silentLogger(), handlerFor: () => handler, spool };
  const run = runCheck(deps, { checkId: 'logs', scheduledAt: clock.now(), trigger: 'schedule', attempt: 1, maxAttempts: 3 });
  await running;
  return { proxy, ledger, release, run, spool, dir };
}

describe('PostgreSQL down during a run', () => {
  it('the result is retried until the database is back, then recorded once', async () => {
    const { proxy, ledger, release, run } = await setup(60);
    await proxy.down();
    release();
    await new Promise((r) => setTimeout(r, 2500)); // the run finishes and keeps retrying its write
    await proxy.up();
    const { result } = await run;
    expect(result.status).toBe('pass');
    const recorded = await listResults(ledger, { check: 'logs' });
    expect(recorded.map((r) => r.runId)).toEqual([result.runId]);
    expect((await verifyChain(ledger)).problems).toEqual([]);
    await ledger.close();
    await proxy.down();
  });

  it('a longer outage spools the result to disk; it is recorded when the database is back', async () => {
    const { proxy, ledger, release, run, spool, dir } = await setup(1);
    await proxy.down();
    release();
    const { result } = await run; // gave up on the ledger after 1 s: spooled
    expect(readdirSync(join(dir, 'data', 'spool'))).toEqual([`${result.runId}.json`]);
    await proxy.up();
    expect(await spool.flush(ledger, silentLogger())).toBe(1);
    expect(await spool.flush(ledger, silentLogger())).toBe(0);
    expect((await listResults(ledger, { check: 'logs' })).map((r) => r.runId)).toEqual([result.runId]);
    expect(readdirSync(join(dir, 'data', 'spool'))).toEqual([]);
    expect((await verifyChain(ledger)).problems).toEqual([]);
    await ledger.close();
    await proxy.down();
  });
});
