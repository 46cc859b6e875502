import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { exportPackage } from '../../../src/archive/export/export.js';
import { gatherPackage } from '../../../src/archive/export/gather.js';
import { verifyPackage } from '../../../src/archive/export/verify-package.js';
import { windowOf } from '../../../src/archive/export/window.js';
import { computeReadiness } from '../../../src/report/readiness.js';
import { ledgerReader } from '../../../workers/ledger-reader.js';
import { ZONE, exportConfig, recordSafetyMonth, seededEnv } from '../../helpers/export-fixture.js';
import { baseConfig, testEnv, type TestEnv } from '../../helpers/workspace.js';
import { entryText } from '../../helpers/zip.js';

const dir = mkdtempSync(join(tmpdir(), 'dossier-export-edges-'));

async function note(env: TestEnv, at: string): Promise<void> {
  env.clock.set(DateTime.fromISO(at));
  await env.ledger.append({ table: 'events', event: 'note', keys: { subject: 'assistant', service_id: 'assistant' }, body: { at } });
}

describe('time zones: months are calendar months in the configured zone', () => {
  // 2026-09-30T16:30Z is already 1 October 00:30 in Shanghai, still 30 September 18:30 in Berlin;
  // 2026-10-01T16:30Z is 2 October 00:30 in Shanghai (September's collection day is over), 1 October 18:30 in Berlin.
  it.each([
    ['Asia/Shanghai', 'missing', ['2026-09-30T16:30:00.000Z', '2026-10-01T16:30:00.000Z']],
    ['Europe/Berlin', 'future', ['2026-10-01T16:30:00.000Z']],
  ] as const)('%s: September is %s at 2026-10-01T16:30Z; the October window starts accordingly', async (zone, september, october) => {
    const env = await testEnv({ config: exportConfig({ timezone: zone }) });
    try {
      await note(env, '2026-09-30T15:59:00Z');
      await note(env, '2026-09-30T16:30:00Z');
      await note(env, '2026-10-01T16:30:00Z');
      const service = env.config.services[0]!;
      const sepOct = await gatherPackage(env.ledger, env.config, service, windowOf('2026-09', '2026-10', zone), 'en');
      expect(sepOct.safetyLogs[0]!.months.map((m) => m.state)).toEqual([september, 'future']);
      const oct = await gatherPackage(env.ledger, env.config, service, windowOf('2026-10', '2026-10', zone), 'en');
      expect(oct.events.map((e) => e.at)).toEqual(october);
    } finally {
      await env.close();
    }
  });

  it('a safety-logs month recorded in a DST zone shows in its own month, and the package verifies', async () => {
    const env = await testEnv({ config: exportConfig({ timezone: 'Europe/Berlin' }) });
    try {
      await recordSafetyMonth(env, '2026-10', 1000, 5); // recorded 2026-11-01 02:00, after the DST change on 25 October
      const out = join(dir, 'berlin.zip');
      const s = await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2026-03', '2026-10', 'Europe/Berlin'), locale: 'en', out });
      expect(s.missingMonths).toEqual(['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09']);
      expect(await entryText(out, 'index.html')).toMatch(/<tr class="present st-pass" data-month="2026-10">/);
      expect((await verifyPackage(out)).ok).toBe(true);
    } finally {
      await env.close();
    }
  });
});

describe('when a month without a result counts as missing', () => {
  it('the export and the pre-review readiness agree: from the day after the collection day', async () => {
    const env = await testEnv({ config: exportConfig() });
    try {
      const service = env.config.services[0]!;
      const seen: Array<[string, string, string]> = [];
      for (const at of ['2026-10-01T00:30:00+08:00', '2026-10-01T23:59:59+08:00', '2026-10-02T00:00:00+08:00', '2026-10-02T09:00:00+08:00']) {
        await note(env, at);
        const data = await gatherPackage(env.ledger, env.config, service, windowOf('2026-09', '2026-09', ZONE), 'en');
        const readiness = await computeReadiness(ledgerReader(env.ledger), env.config, service.id, '2026-10-15', DateTime.fromISO(at));
        expect(readiness.months.at(-1)!.month).toBe('2026-09');
        seen.push([at, data.safetyLogs[0]!.months[0]!.state, readiness.months.at(-1)!.state]);
      }
      expect(seen).toEqual([
        ['2026-10-01T00:30:00+08:00', 'future', 'upcoming'],
        ['2026-10-01T23:59:59+08:00', 'future', 'upcoming'],
        ['2026-10-02T00:00:00+08:00', 'missing', 'missing'],
        ['2026-10-02T09:00:00+08:00', 'missing', 'missing'],
      ]);
    } finally {
      await env.close();
    }
  });
});

describe('a service with nothing recorded', () => {
  it('still makes a valid package whose every section says "no data"', async () => {
    const env = await testEnv({ config: { ...baseConfig(), checks: [] } });
    try {
      const out = join(dir, 'empty.zip');
      const s = await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2025-11', '2026-10', 'Asia/Shanghai'), locale: 'zh-CN', out });
      expect(s.problems).toEqual([]);
      expect(s.ledger.rows).toBe(0);
      const html = await entryText(out, 'index.html');
      expect(html).toContain('无数据：本服务没有 safety-logs 检查或结果');
      expect(html).toContain('无数据：本服务没有 policy-freshness 检查或结果');
      expect(html).toContain('无数据：本服务没有 complaint-sla 检查或结果');
      expect(html).toContain('无数据：覆盖期间内没有功能变更案件');
      expect(html).toContain('账本为空');
      expect(await entryText(out, 'VERIFY.md')).toContain('账本：没有行（账本为空）');
      expect((await verifyPackage(out)).problems).toEqual([]);
    } finally {
      await env.close();
    }
  });
});

describe('PostgreSQL ledger', () => {
  it('exports the same kind of package from a PostgreSQL ledger, and it verifies', async () => {
    const schema = `export_${randomBytes(4).toString('hex')}`;
    const url = `postgres://root@127.0.0.1:5432/test?schema=${schema}`;
    const env = await seededEnv({ ledger: { url } });
    try {
      const out = join(dir, 'pg.zip');
      const s = await exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2025-11', '2026-10', 'Asia/Shanghai'), locale: 'zh-CN', out });
      expect(s.problems).toEqual([]);
      expect(s.missingMonths).toEqual(['2026-02', '2026-05']);
      const report = await verifyPackage(out);
      expect(report.problems).toEqual([]);
      expect(report.rows).toBe(s.ledger.rows);
      const html = await entryText(out, 'index.html');
      expect(html).toContain('备案参考号：Beijing-XiaoZhi-20250315-C1');
      expect(html).toContain('Dossier 每日摘要 2026-06-03');
    } finally {
      await env.close();
      const client = new pg.Client({ connectionString: 'postgres://root@127.0.0.1:5432/test' });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});

describe('a daemon appending while the package is made', () => {
  it('packages the state as of the head taken at the start; the package verifies', async () => {
    const env = await seededEnv();
    try {
      const before = await env.ledger.head();
      const out = join(dir, 'busy.zip');
      const appends = (async () => {
        for (let i = 0; i < 40; i++) {
          await recordSafetyMonth(env, '2026-09', 2000 + i, 1); // re-runs of a window month, with evidence
        }
      })();
      const [s] = await Promise.all([
        exportPackage({ config: env.config, ledger: env.ledger, archive: env.archive, service: env.config.services[0]!, window: windowOf('2025-11', '2026-10', 'Asia/Shanghai'), locale: 'en', out }),
        appends,
      ]);
      const after = await env.ledger.head();
      expect(after.seq).toBe(before.seq + 80);
      expect(s.ledger.head.seq).toBeLessThan(after.seq); // the export did not wait for the appends
      expect(s.problems).toEqual([]);
      const report = await verifyPackage(out);
      expect(report.problems).toEqual([]);
      expect(report.head!.seq).toBe(s.ledger.head.seq);
    } finally {
      await env.close();
    }
  });
});
