import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportPackage } from '../../../src/archive/export/export.js';
import { verifyPackage } from '../../../src/archive/export/verify-package.js';
import { windowOf } from '../../../src/archive/export/window.js';
import { recordRunFinished, recordRunStarted } from '../../../src/ledger/runs.js';
import { exportConfig } from '../../helpers/export-fixture.js';
import { testEnv } from '../../helpers/workspace.js';

/**
 * A big month goes through export and verify as a stream. The file is 256 MiB; holding it in
 * memory anywhere would raise this process's RSS by at least that much, streaming by a few MiB.
 * The bound (96 MiB) leaves room for GC noise and is far from both. Speed is not measured here
 * (see `npm run bench:export`).
 */
const SIZE_MIB = 256;

describe('a 256 MiB evidence file', () => {
  it('is packaged and verified without being loaded into memory', async () => {
    const env = await testEnv({ config: exportConfig(), at: '2026-11-01T02:00:00+08:00' });
    const dir = mkdtempSync(join(tmpdir(), 'dossier-large-'));
    try {
      const period = { key: '2026-10', start: '2026-10-01T00:00:00.000+08:00', end: '2026-11-01T00:00:00.000+08:00' };
      const base = { runId: 'big-run', check: 'assistant-safety-logs', type: 'safety-logs', service: 'assistant', period, scheduledAt: period.end, startedAt: period.end, attempt: 1, trigger: 'schedule' as const };
      await recordRunStarted(env.ledger, base);
      const writer = await env.archive.openRun({ service: 'assistant', check: base.check, period: '2026-10', runId: base.runId }, base.startedAt);
      const chunk = randomBytes(1024 * 1024);
      await writer.writeFrom('events.jsonl.gz', Readable.from((function* () { for (let i = 0; i < SIZE_MIB; i++) yield chunk; })()));
      const evidence = await writer.finalize();
      await recordRunFinished(env.ledger, { ...base, finishedAt: period.end, status: 'pass', summary: 'big', metrics: { total: 1, blocked: 0, violationRate: 0 }, findings: [], evidence });

      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      const out = join(dir, 'big.zip');
      try {
        const s = await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2026-10', '2026-10', 'Asia/Shanghai'), locale: 'en', out });
        expect(s.problems).toEqual([]);
        const report = await verifyPackage(out);
        expect(report.problems).toEqual([]);
      } finally {
        clearInterval(sampler);
      }
      expect(statSync(out).size).toBeGreaterThan(SIZE_MIB * 1024 * 1024);
      expect((peak - baseline) / 1024 / 1024).toBeLessThan(96);
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
