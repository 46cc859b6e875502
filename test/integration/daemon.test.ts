import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_QUEUE } from '../../src/queue/names.js';
import { runCli } from '../helpers/cli.js';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.js';
import { baseConfig, REDIS_URL, tempWorkspace, writeConfig } from '../helpers/workspace.js';

let daemon: DaemonProcess | undefined;
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
});

describe('dossier start (a real daemon process)', () => {
  it('reconciles, catches up, runs checks for `run --wait`, reloads on SIGHUP and drains on SIGTERM', async () => {
    const dir = tempWorkspace();
    // Checks only: the digest's scheduler is covered in test/integration/notify/digest.test.ts.
    const cfg = baseConfig({ digest: { enabled: false } });
    const { path } = writeConfig(dir, cfg);
    const prefix = (cfg.redis as { prefix: string }).prefix;

    daemon = startDaemonProcess(path);
    await daemon.waitForLog('dossier started');
    // Catch-up on start: the latest missed weekly period is enqueued and recorded.
    await daemon.waitForLog(/"jobId":"period\.assistant-policy-freshness\.\d{4}-\d{2}-\d{2}".*"status":"pass".*"msg":"run finished"/);

    const out = await runCli(['run', 'assistant-policy-freshness', '--wait', '--json', '--config', path]);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ check: 'assistant-policy-freshness', status: 'pass', trigger: 'manual' });

    const schedules = JSON.parse((await runCli(['schedules', '--json', '--config', path])).stdout);
    expect(schedules[0]).toMatchObject({ id: 'assistant-policy-freshness', inRedis: true, last: { runId: result.runId, status: 'pass' } });

    // SIGHUP: a second check appears in config → reconciled without a restart.
    writeConfig(dir, { ...cfg, checks: [...(cfg.checks as object[]), { id: 'second', type: 'policy-freshness', service: 'assistant', cron: '0 11 * * *' }] });
    daemon.kill('SIGHUP');
    await daemon.waitForLog(/"added":\["second"\]/);
    const queue = new Queue(CHECK_QUEUE, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix });
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['assistant-policy-freshness', 'second']);

    // A setting bound at start (the archive directory) is kept, and the log says so.
    writeConfig(dir, { ...cfg, archive: { dir: '../elsewhere' } });
    daemon.kill('SIGHUP');
    await daemon.waitForLog(/"keys":\["archive"\].*take effect only after a restart/);

    // An invalid config on SIGHUP is logged; the daemon keeps running on the old one.
    writeConfig(dir, cfg);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, 'version: 2\n');
    daemon.kill('SIGHUP');
    await daemon.waitForLog('config reload failed; keeping the previous config');

    expect(await daemon.stop()).toBe(0);
    expect(daemon.logs()).toMatch(/"msg":"stopped"/);
    await queue.obliterate({ force: true });
    await queue.close();
  }, 60_000);
});
