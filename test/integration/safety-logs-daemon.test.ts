import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/lib/result.js';
import { runCli } from '../helpers/cli.js';
import { startDaemonProcess, type DaemonProcess } from '../helpers/daemon.js';
import { baseConfig, tempWorkspace, writeConfig } from '../helpers/workspace.js';

/**
 * The whole pipeline: `dossier run assistant-safety-logs --period 2026-10 --wait --json` queues
 * a job on the real Redis (a private prefix), the running daemon (a child process, compiled
 * code from dist/) collects the sample logs, records the run in its SQLite ledger and archive,
 * and the CLI prints the Result from the ledger.
 */
describe('safety-logs through the daemon', () => {
  let daemon: DaemonProcess;
  let configPath: string;
  let dir: string;

  beforeAll(async () => {
    dir = tempWorkspace('safety-logs-e2e');
    const written = baseConfig({
      // missed: skip, so the daemon's start-up catch-up does not run months of its own.
      checks: [{ id: 'assistant-safety-logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *', notify: ['ops'], missed: 'skip' }],
    });
    configPath = writeConfig(dir, written).path;
    daemon = startDaemonProcess(configPath);
    await daemon.waitForLog('dossier started');
  });

  afterAll(async () => {
    await daemon?.stop();
  });

  it('returns the Result JSON with the collection metrics', async () => {
    const out = await runCli(['run', 'assistant-safety-logs', '--period', '2026-10', '--wait', '--json', '--timeout', '60', '--config', configPath]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0); // warn is not a failure
    const r = JSON.parse(out.stdout) as Result;
    expect(r).toMatchObject({
      check: 'assistant-safety-logs',
      type: 'safety-logs',
      service: 'assistant',
      period: { key: '2026-10', start: '2026-10-01T00:00:00.000+08:00', end: '2026-11-01T00:00:00.000+08:00' },
      scheduledAt: '2026-11-01T02:00:00.000+08:00',
      trigger: 'manual',
      status: 'warn',
      metrics: { total: 1240, passed: 1197, blocked: 23, reviewed: 20, malformed: 0 },
    });
    const m = r.metrics as { violationRate: number; byCategory: Record<string, { total: number; blocked: number }>; byDay: Record<string, { total: number }>; files: unknown[] };
    expect(m.violationRate).toBeCloseTo(23 / 1240, 12);
    expect(Object.values(m.byCategory).reduce((n, c) => n + c.blocked, 0)).toBe(23);
    expect(Object.keys(m.byDay)).toHaveLength(31);
    expect(m.files).toHaveLength(3);
    expect(r.findings.map((f) => f.code)).toEqual(['violation-rate-high']);
    const events = r.evidence.find((e) => e.path.endsWith('/events.jsonl.gz'))!;
    expect(events.path).toMatch(new RegExp(`^assistant/assistant-safety-logs/2026-10/${r.runId}/events\\.jsonl\\.gz$`));
    const text = gunzipSync(readFileSync(join(dir, 'data/archive', events.path))).toString();
    expect(text.trim().split('\n')).toHaveLength(1240);
    expect(text).toContain('138****5678');
    expect(text).not.toContain('13812345678');
    // The archive verifies against the ledger.
    const verify = await runCli(['verify', '--config', configPath]);
    expect(verify.code).toBe(0);
  });
});
