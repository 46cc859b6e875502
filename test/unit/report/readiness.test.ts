import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { computeReadiness, windowMonths } from '../../../src/report/readiness.js';
import { ledgerReader } from '../../../workers/ledger-reader.js';
import { seedCase, seedResult } from '../../helpers/notify.js';
import { baseConfig, testEnv, type TestEnv } from '../../helpers/workspace.js';

const checks = [
  { id: 'assistant-safety-logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *' },
  { id: 'assistant-policy-freshness', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * 1' },
  { id: 'assistant-complaints', type: 'complaint-sla', service: 'assistant', cron: '0 8 * * *' },
];

describe('readiness summary', () => {
  let env: TestEnv;
  afterEach(() => env?.close());

  it('covers the 12 calendar months before the due date', () => {
    expect(windowMonths('2027-03-15')).toEqual(['2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01', '2027-02']);
    expect(windowMonths('2027-01-01')[0]).toBe('2026-01');
    expect(windowMonths('2027-01-01').at(-1)).toBe('2026-12');
  });

  it.each([
    ['Asia/Shanghai', '2027-03-01T23:59:00+08:00', 'upcoming'],
    ['Asia/Shanghai', '2027-03-02T00:00:00+08:00', 'missing'],
    // 2027-03-01T16:30Z is already March 2 in Shanghai, but still March 1 in Berlin.
    ['Asia/Shanghai', '2027-03-01T16:30:00Z', 'missing'],
    ['Europe/Berlin', '2027-03-01T16:30:00Z', 'upcoming'],
    ['Europe/Berlin', '2027-03-01T23:30:00Z', 'missing'],
  ])('in %s at %s, an uncollected February is %s', async (timezone, at, state) => {
    env = await testEnv({ config: baseConfig({ timezone, checks }) });
    const r = await computeReadiness(ledgerReader(env.ledger), env.config, 'assistant', '2027-03-15', DateTime.fromISO(at, { setZone: true }));
    expect(r.months.at(-1)).toEqual({ month: '2027-02', state });
  });

  it('reads months, the latest policy and complaint results and open cases from the ledger', async () => {
    env = await testEnv({ config: baseConfig({ checks }) });
    const L = env.ledger;
    for (const month of ['2026-03', '2026-04', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01', '2027-02']) {
      const status = month === '2026-07' ? 'fail' : month === '2026-08' ? 'inconclusive' : month === '2026-09' ? 'warn' : 'pass';
      await seedResult(L, { check: 'assistant-safety-logs', type: 'safety-logs', period: month, status, scheduledAt: `${month}-28T02:00:00.000+08:00` });
    }
    await seedResult(L, { check: 'assistant-policy-freshness', type: 'policy-freshness', period: '2027-02-22', status: 'pass', scheduledAt: '2027-02-22T10:00:00.000+08:00' });
    await seedResult(L, { check: 'assistant-policy-freshness', type: 'policy-freshness', period: '2027-03-01', status: 'warn', scheduledAt: '2027-03-01T10:00:00.000+08:00' });
    // A result scheduled after the as-of instant is not "the latest" yet.
    await seedResult(L, { check: 'assistant-policy-freshness', type: 'policy-freshness', period: '2027-03-08', status: 'pass', scheduledAt: '2027-03-08T10:00:00.000+08:00' });
    await seedCase(L, { caseId: 'fc-1', check: 'assistant-feature-changes', code: 'feature-added', title: '新增功能 图片生成 未报备', deadline: '2027-03-10' });
    await seedCase(L, { caseId: 'fc-3', check: 'assistant-feature-changes', code: 'feature-added', title: 'closed one', deadline: '2027-03-01', state: 'resolved' });
    const r = await computeReadiness(ledgerReader(L), env.config, 'assistant', '2027-03-15', DateTime.fromISO('2027-03-05T09:00:00+08:00'));
    expect(r.months.map((m) => m.state)).toEqual(['present', 'present', 'missing', 'present', 'fail', 'missing', 'present', 'present', 'present', 'present', 'present', 'present']);
    expect(r.months[5]!.status).toBe('inconclusive'); // a broken collector is not evidence
    expect(r.counts).toEqual({ present: 9, missing: 2, fail: 1, upcoming: 0 });
    expect(r.policyFreshness).toMatchObject({ status: 'warn', period: '2027-03-01' });
    expect(r.complaintSla).toMatchObject({ status: 'never-run' });
    expect(r.openCases.map((c) => [c.caseId, c.deadline ?? null, c.title])).toEqual([
      ['fc-1', '2027-03-10', '新增功能 图片生成 未报备'],
    ]);
    expect(r.todo).toEqual([
      '补齐 2026-05、2026-08 的运营日志归集（dossier run assistant-safety-logs --period YYYY-MM）',
      '复核 2026-07 违规率超标的原因，并准备整改说明',
      '更新关键词库和拒答/非拒答测试题库（最近一次检查 2027-03-01：warn）',
      '运行 assistant-complaints 检查（用户投诉处理时限），目前还没有结果',
      '处理 1 个未结案件（最早截止 2027-03-10）',
    ]);
    expect(r.ready).toBe(false);
  });
});
