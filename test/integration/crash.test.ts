import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { attemptsOf, listResults } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { systemClock } from '../../src/lib/clock.js';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.js';
import { startPrivateRedis, type PrivateRedis } from '../helpers/redis-server.js';
import { baseConfig, REPO, tempWorkspace, uniquePrefix, writeConfig } from '../helpers/workspace.js';
import { until } from '../helpers/wait.js';

/**
 * Crash and shutdown of a worker in the middle of a run. The run is a feature-changes check whose
 * inventory comes from a local HTTP server that holds the first request open: the check is
 * "running" for as long as the test wants.
 */
const daemons: DaemonProcess[] = [];
const redises: PrivateRedis[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.stop(5_000);
  for (const r of redises.splice(0)) await r.stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Serves the filed baseline as the inventory; holds the first `hold` requests open. */
async function inventoryServer(hold: number): Promise<{ url: string; requests: () => number }> {
  const inventory = readFileSync(join(REPO, 'config/baselines/assistant.yaml'), 'utf8');
  let n = 0;
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    if (++n <= hold) return; // never answers: the check is stuck in its HTTP read
    res.writeHead(200, { 'content-type': 'application/yaml' }).end(inventory);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/inventory`, requests: () => n };
}


async function setup(hold: number) {
  const redis = await startPrivateRedis();
  redises.push(redis);
  const inv = await inventoryServer(hold);
  const dir = tempWorkspace();
  const cfg = baseConfig({
    redis: { url: redis.url, prefix: uniquePrefix('crash') },
    digest: { enabled: false },
    workers: { concurrency: 2, stalledSeconds: 2 },
    checks: [{ id: 'fc', type: 'feature-changes', service: 'assistant', cron: '0 9 * * 1', retries: 3, retryDelaySeconds: 0.2 }],
  });
  (cfg.services as Array<{ sources: Record<string, unknown> }>)[0]!.sources.inventory = { url: inv.url, timeoutSeconds: 120 };
  const { path, config } = writeConfig(dir, cfg);
  const ledger = await openLedger(config.ledger.url, systemClock);
  const start = (args: string[] = []) => {
    const d = startDaemonProcess(path, { args });
    daemons.push(d);
    return d;
  };
  return { inv, ledger, start };
}

describe('a worker stopped in the middle of a run', () => {
  it('SIGKILL: the job is picked up again and the ledger shows the interrupted attempt and the completed one', async () => {
    const { inv, ledger, start } = await setup(1);
    const a = start();
    await until('the run to start', () => inv.requests() === 1);
    a.kill('SIGKILL');
    await a.exited;

    start(); // a fresh worker: the killed one's job stalls and runs again
    await until('the run to complete', async () => (await listResults(ledger, { check: 'fc' })).length === 1, 40_000);
    const [result] = await listResults(ledger, { check: 'fc' });
    expect(result!.status).toBe('pass');
    const attempts = await attemptsOf(ledger, 'fc', result!.period.key);
    const first = attempts[0]!.runId;
    expect(attempts.map((x) => [x.event, x.runId === first ? 'killed' : 'rerun'])).toEqual([
      ['started', 'killed'],
      ['interrupted', 'killed'],
      ['started', 'rerun'],
      ['finished', 'rerun'],
    ]);
    expect((await verifyChain(ledger)).problems).toEqual([]);
    await ledger.close();
  }, 60_000);

  it('SIGTERM waits for the drain timeout, gives up on the stuck run, and exits; nothing is lost', async () => {
    const { inv, ledger, start } = await setup(1);
    const a = start(['--drain-timeout', '2']);
    await until('the run to start', () => inv.requests() === 1);
    const t0 = Date.now();
    expect(await a.stop(20_000)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(a.logs()).toMatch(/running checks did not finish in time; abandoning them/);

    start();
    await until('the run to complete', async () => (await listResults(ledger, { check: 'fc' })).some((r) => r.status === 'pass'), 40_000);
    const events = (await attemptsOf(ledger, 'fc', (await listResults(ledger, { check: 'fc' }))[0]!.period.key)).map((x) => `${x.event}:${x.status ?? ''}`);
    expect(events[0]).toBe('started:');
    expect(events.at(-1)).toBe('finished:pass');
    await ledger.close();
  }, 60_000);

  it('a second signal exits at once', async () => {
    const { inv, start } = await setup(1);
    const a = start(); // drain timeout 60 s
    await until('the run to start', () => inv.requests() === 1);
    a.kill('SIGTERM');
    await a.waitForLog('signal received; draining');
    const t0 = Date.now();
    a.kill('SIGTERM');
    expect(await a.exited).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
