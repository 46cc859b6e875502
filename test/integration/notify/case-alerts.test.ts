import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Result } from '../../../src/lib/result.js';
import { runCheck } from '../../../workers/run-check.js';
import { baseConfig } from '../../helpers/workspace.js';
import { inlineEnv, smtpMail, type InlineEnv } from '../../helpers/notify.js';
import { addresses, startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';

/**
 * Emails derived from a run's Result (src/notify/from-result.ts), delivered to a real SMTP
 * server and parsed: a new case at once, an overdue case once with the escalation group copied,
 * a not-OK run without a case once per period and status.
 */
describe('case and result alerts', () => {
  let smtp: TestSmtp;
  let env: InlineEnv;
  beforeEach(async () => {
    smtp = await startTestSmtp();
    env = await inlineEnv(
      baseConfig({
        mail: smtpMail(smtp.port),
        checks: [
          { id: 'fc', type: 'feature-changes', service: 'assistant', cron: '0 9 * * *', notify: ['ops', 'legal'], escalate: ['managers'] },
          { id: 'pf', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * *', notify: ['ops'], keywordLibrary: { minEntries: 20_000 } },
        ],
      }),
      '2026-09-28T09:00:00+08:00',
    );
  });
  afterEach(async () => {
    await env.close();
    await smtp.close();
  });

  async function run(checkId: string, iso: string): Promise<Result> {
    const at = DateTime.fromISO(iso, { setZone: true });
    env.clock.set(at);
    return (await runCheck(env, { checkId, scheduledAt: at, trigger: 'schedule', attempt: 1, maxAttempts: 1 })).result;
  }
  const key = (m: TestSmtp['received'][number]) => String(m.parsed.headers.get('x-dossier-key'));

  it('a new case is emailed once, and once more with escalation when it is overdue', async () => {
    const first = await run('fc', '2026-09-28T09:00:00+08:00');
    const cases = first.findings.filter((f) => f.caseId);
    expect(cases.map((f) => f.code).sort()).toEqual(['feature-added', 'scope-expanded']);
    expect(smtp.received.map(key).sort()).toEqual(cases.map((f) => `case:${f.caseId}:opened`).sort());
    const opened = smtp.received[0]!.parsed;
    expect(addresses(opened.to)).toEqual(['legal@example.com', 'ops@example.com']);
    expect(addresses(opened.cc)).toEqual([]);
    // Before National Day: 10 working days after 2026-09-28 is 2026-10-16.
    expect(opened.subject).toMatch(/^\[智能客服大模型\] 需处理：.*（截止 2026-10-16）$/);
    expect(opened.text).toMatch(/提交变更备案/);

    await run('fc', '2026-09-29T09:00:00+08:00');
    expect(smtp.received).toHaveLength(2); // the same cases: nothing new to say

    await run('fc', '2026-10-19T09:00:00+08:00');
    const overdue = smtp.received.slice(2);
    expect(overdue.map(key).sort()).toEqual(cases.map((f) => `case:${f.caseId}:overdue`).sort());
    expect(addresses(overdue[0]!.parsed.cc)).toEqual(['cto@example.com']);
    expect(overdue[0]!.parsed.subject).toMatch(/已逾期：.*（截止日 2026-10-16）/);
    await run('fc', '2026-10-20T09:00:00+08:00');
    expect(smtp.received).toHaveLength(4);
  });

  it('an open case is emailed even when the run that opened it never got its emails out', async () => {
    // The opening attempt records the cases but its emails never reach the pipeline (no notifier:
    // as if the worker died right after recording).
    env.clock.set(DateTime.fromISO('2026-09-28T09:00:00+08:00', { setZone: true }));
    const { result: lost } = await runCheck({ ...env, notifier: undefined }, { checkId: 'fc', scheduledAt: env.clock.now(), trigger: 'schedule', attempt: 1, maxAttempts: 1 });
    expect(lost.findings.filter((f) => f.caseId)).toHaveLength(2);
    expect(smtp.received).toHaveLength(0);
    // The next run knows the cases already (not new) and still sends each "opened" email, once.
    const next = await run('fc', '2026-09-29T09:00:00+08:00');
    expect(next.findings.filter((f) => f.caseId).every((f) => (f.data?.case as { new?: boolean }).new === false)).toBe(true);
    expect(smtp.received.map(key).sort()).toEqual(lost.findings.filter((f) => f.caseId).map((f) => `case:${f.caseId}:opened`).sort());
  });

  it('a failing run without cases is emailed once per period and status; an inconclusive one too', async () => {
    const r = await run('pf', '2026-09-28T10:00:00+08:00');
    expect(r.status).toBe('fail');
    await run('pf', '2026-09-28T10:00:00+08:00'); // a re-run of the same period
    expect(smtp.received.map(key)).toEqual(['result:pf:2026-09-28:fail']);
    const mail = smtp.received[0]!.parsed;
    expect(mail.subject).toBe('[智能客服大模型] 不合格：pf（2026-09-28）');
    expect(mail.text).toMatch(/keyword-library-too-small: 关键词库仅有 10240 条，低于要求的 20000 条/);
    expect(mail.html).toMatch(/summary\.json/);

    rmSync(join(env.dir, 'examples/assistant/policies/should-answer.jsonl'));
    const broken = await run('pf', '2026-09-29T10:00:00+08:00');
    expect(broken.status).toBe('fail'); // worst of fail (too small) and inconclusive (missing)
    rmSync(join(env.dir, 'examples/assistant/policies/keywords.txt'));
    rmSync(join(env.dir, 'examples/assistant/policies/should-refuse.jsonl'));
    const blind = await run('pf', '2026-09-30T10:00:00+08:00');
    expect(blind.status).toBe('inconclusive');
    expect(smtp.received.map(key)).toEqual(['result:pf:2026-09-28:fail', 'result:pf:2026-09-29:fail', 'result:pf:2026-09-30:inconclusive']);
    expect(smtp.received[2]!.parsed.subject).toBe('[智能客服大模型] 无法判定：pf（2026-09-30）');
  });
});
