import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { claimPending, notificationExists, recordFailed } from '../../../src/ledger/notifications.js';
import { DIGEST_SCHEDULE_ID, desiredSchedules } from '../../../src/producer/desired.js';
import { planFor, reconcile } from '../../../src/producer/producer.js';
import { CHECK_QUEUE } from '../../../src/queue/names.js';
import { sendDigest } from '../../../src/report/digest.js';
import { silentLogger } from '../../../src/lib/logger.js';
import { inlineEnv, seedCase, seedResult, smtpMail, type InlineEnv } from '../../helpers/notify.js';
import { startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { baseConfig, REDIS_URL, writeConfig, tempWorkspace } from '../../helpers/workspace.js';

const checks = [
  { id: 'assistant-safety-logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *', notify: ['ops'] },
  { id: 'assistant-pre-review', type: 'pre-review', service: 'assistant', cron: '0 9 * * *', notify: ['ops'] },
  { id: 'assistant-policy-freshness', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * 1', notify: ['ops'] },
];

describe('daily digest', () => {
  let smtp: TestSmtp;
  let env: InlineEnv;
  afterEach(async () => {
    await env?.close();
    await smtp?.close();
  });

  it('lists every check, missed runs, obligations, open cases, failed emails and the chain head', async () => {
    smtp = await startTestSmtp();
    env = await inlineEnv(baseConfig({ checks, mail: smtpMail(smtp.port) }), '2026-11-30T08:30:00+08:00');
    await seedResult(env.ledger, { check: 'assistant-safety-logs', type: 'safety-logs', period: '2026-10', status: 'pass', scheduledAt: '2026-11-01T02:00:00.000+08:00' });
    await seedResult(env.ledger, { check: 'assistant-pre-review', type: 'pre-review', period: '2026-11-29', status: 'fail', scheduledAt: '2026-11-29T09:00:00.000+08:00' });
    await seedCase(env.ledger, { caseId: 'fc-1', check: 'assistant-feature-changes', code: 'feature-added', title: '新增功能 图片生成 未报备', deadline: '2026-12-04' });
    const pending = { key: 'case:fc-1:opened', origin: { kind: 'check' as const, service: 'assistant' }, from: 'x@example.com', to: ['ops@example.com'], cc: [], subject: '[智能客服大模型] 新案件', text: 't', html: 'h', locale: 'zh-CN' as const, messageId: '<a@b>', bodySha256: 'x', createdAt: '2026-11-29T01:00:00Z' };
    await claimPending(env.ledger, pending);
    await recordFailed(env.ledger, pending.key, { attempt: 1, at: '2026-11-29T01:00:01Z', error: 'EENVELOPE 550: mailbox unavailable', permanent: true });
    const head = await env.ledger.head();

    const report = await sendDigest({ ...env, notifier: env.notifier }, env.clock.now(), env.clock.now());
    expect(report).toMatchObject({ key: 'digest:2026-11-30', outcome: 'queued' });
    const [mail] = await smtp.waitFor(1);
    const m = mail!.parsed;
    expect(m.subject).toBe('[智能客服大模型] 每日合规摘要 2026-11-30：1 项通过，1 项不合格，1 项未按时运行，1 封邮件发送失败');
    const text = m.text!;
    expect(text).toContain(`账本哈希链头：seq ${head.seq}，${head.hash}`);
    expect(text).toContain('assistant-safety-logs  2026-10 通过');
    expect(text).toContain('assistant-pre-review  2026-11-29 不合格');
    expect(text).toContain('assistant-policy-freshness  尚未运行');
    // policy-freshness was due Monday 2026-11-23 10:00 and has no result; pre-review ran yesterday.
    expect(text).toMatch(/未按时运行的检查：\n {2}assistant-policy-freshness {2}应于 2026-11-23 10:00 \(2026-11-23\)\n\n/);
    expect(text).toContain('2026-12-04  新增功能 图片生成 未报备 (assistant, 未处理)');
    expect(text).toContain('[智能客服大模型] 新案件  EENVELOPE 550: mailbox unavailable');
    expect(text).toContain('年度合规自查与复审 (assistant)  2026-03-15，已逾期 260 天');
    expect(String(m.html)).toContain(head.hash);

    // Once a day: a second trigger (catch-up and the schedule both firing) is dropped.
    expect(await sendDigest({ ...env, notifier: env.notifier }, env.clock.now(), env.clock.now())).toMatchObject({ outcome: 'duplicate' });
    expect(smtp.received).toHaveLength(1);
  });

  it('with skipWhenUnchanged, a day with nothing new is skipped', async () => {
    smtp = await startTestSmtp();
    const config = baseConfig({ checks: [checks[0]], mail: smtpMail(smtp.port), locale: 'en', digest: { skipWhenUnchanged: true } });
    env = await inlineEnv(config, '2026-11-10T08:30:00+08:00');
    await seedResult(env.ledger, { check: 'assistant-safety-logs', type: 'safety-logs', period: '2026-10', status: 'pass', scheduledAt: '2026-11-01T02:00:00.000+08:00' });
    const deps = { ...env, notifier: env.notifier };
    expect(await sendDigest(deps, env.clock.now(), env.clock.now())).toMatchObject({ outcome: 'queued' });
    env.clock.advance({ days: 1 });
    expect(await sendDigest(deps, env.clock.now(), env.clock.now())).toMatchObject({ key: 'digest:2026-11-11', outcome: 'unchanged' });
    // The skipped day is recorded as handled, so catch-up does not enqueue it again every hour.
    expect(await notificationExists(env.ledger, 'digest:2026-11-11')).toBe(true);
    expect(await sendDigest(deps, env.clock.now(), env.clock.now())).toMatchObject({ key: 'digest:2026-11-11', outcome: 'duplicate' });
    // A re-run of October changes its result: the next day's digest goes out.
    await seedResult(env.ledger, { check: 'assistant-safety-logs', type: 'safety-logs', period: '2026-10', status: 'warn', scheduledAt: '2026-11-01T02:00:00.000+08:00' });
    env.clock.advance({ days: 1 });
    expect(await sendDigest(deps, env.clock.now(), env.clock.now())).toMatchObject({ outcome: 'queued' });
    await smtp.waitFor(2);
    expect(smtp.received.map((r) => r.parsed.subject)).toEqual([
      '[智能客服大模型] Daily compliance digest 2026-11-10: 1 pass',
      '[智能客服大模型] Daily compliance digest 2026-11-12: 0 pass, 1 warn',
    ]);
  });

  it('is a job scheduler that reconcile keeps (and removes when the digest is disabled)', async () => {
    const dir = tempWorkspace();
    const { config } = writeConfig(dir, baseConfig({ checks: [checks[0]] }));
    const desired = desiredSchedules(config);
    expect(desired.map((d) => [d.id, d.name, d.pattern])).toEqual([
      ['assistant-safety-logs', 'safety-logs', '0 2 1 * *'],
      [DIGEST_SCHEDULE_ID, 'digest', '30 8 * * *'],
    ]);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(CHECK_QUEUE, { connection, prefix: config.redis.prefix });
    try {
      await reconcile(config, queue, silentLogger());
      const second = await planFor(config, queue);
      expect(second.unchanged.map((d) => d.id).sort()).toEqual([DIGEST_SCHEDULE_ID, 'assistant-safety-logs'].sort());
      expect(second.add.length + second.update.length + second.remove.length).toBe(0);
      const scheduler = (await queue.getJobSchedulers()).find((s) => s.key === DIGEST_SCHEDULE_ID);
      expect(scheduler).toMatchObject({ pattern: '30 8 * * *', tz: 'Asia/Shanghai', name: 'digest' });
      const disabled = { ...config, digest: { ...config.digest, enabled: false } };
      expect((await planFor(disabled, queue)).remove.map((e) => e.key)).toEqual([DIGEST_SCHEDULE_ID]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });
});
