import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { loadNotification } from '../../../src/ledger/notifications.js';
import { addresses, startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { inlineEnv, markDone, preReviewConfig, runOn, seedResult, smtpMail, type InlineEnv } from '../../helpers/notify.js';

const weekdays = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

/** Months of evidence before the 2027-03-15 review: one failed, one missing (2026-05). */
async function seedEvidence(env: InlineEnv): Promise<void> {
  for (const month of ['2026-03', '2026-04', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01']) {
    await seedResult(env.ledger, { check: 'assistant-safety-logs', type: 'safety-logs', period: month, status: month === '2026-07' ? 'fail' : 'pass', scheduledAt: `${month}-28T02:00:00.000+08:00` });
  }
}

describe('email rendering, parsed back with mailparser', () => {
  let smtp: TestSmtp | undefined;
  let env: InlineEnv | undefined;
  afterEach(async () => {
    await env?.close();
    await smtp?.close();
  });

  it('zh-CN: Chinese subject, names and both parts intact', async () => {
    smtp = await startTestSmtp();
    env = await inlineEnv(preReviewConfig(smtpMail(smtp.port)), '2026-03-10T12:00:00+08:00');
    await markDone(env.ledger, env.config, 'assistant', 'annual-review', '2026-03-10');
    await seedEvidence(env);
    await runOn(env, 'assistant-pre-review', '2027-02-13', weekdays);
    const [mail] = await smtp.waitFor(1);
    const m = mail!.parsed;
    expect(m.subject).toBe('[智能客服大模型] 复审提醒：年度合规自查与复审 还剩 30 天（2027-03-15 到期）');
    expect(m.from?.value[0]).toEqual({ name: 'AI 合规助手', address: 'compliance@example.com' });
    expect(addresses(m.to)).toEqual(['legal@example.com', 'ops@example.com']);
    expect(m.text).toContain('年度合规自查与复审（智能客服大模型，备案号 Beijing-XiaoZhi-20250315）将于 2027-03-15 到期，还剩 30 天。');
    // February cannot be collected before March 1st: not yet due, not missing.
    expect(m.text).toContain('运营日志：9 个月齐备，1 个月缺失，1 个月不合格，1 个月未到期');
    expect(m.text).toContain('2027-02 未到期');
    expect(m.text).toContain('2026-05 缺失');
    expect(m.text).toContain('2026-07 不合格');
    expect(m.text).toContain('补齐 2026-05 的运营日志归集');
    expect(m.text).toContain('复核 2026-07 违规率超标的原因');
    expect(m.text).toContain('dossier obligation done assistant annual-review --on YYYY-MM-DD');
    const html = String(m.html);
    expect(html).toContain('复审准备情况（2026-03 至 2027-02）');
    expect(html).toContain('lang="zh-CN"');
    expect(html).not.toMatch(/<style|<link|<img|<script|https?:\/\//i); // inline styles only, no external assets
    expect(html).toMatch(/style="[^"]+"/);
    // The ledger's pending row holds what was sent, with its hash.
    const stored = await loadNotification(env.ledger, 'pre-review:assistant:annual-review:2027-03-15:T-30');
    expect(stored!.state).toBe('sent');
    expect(stored!.pending!.subject).toBe(m.subject);
    expect(stored!.pending!.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.messageId).toBe(stored!.pending!.messageId);
  });

  it('en: English texts with the Chinese service and obligation names intact', async () => {
    smtp = await startTestSmtp();
    env = await inlineEnv(preReviewConfig(smtpMail(smtp.port), { locale: 'en' }), '2026-03-10T12:00:00+08:00');
    await markDone(env.ledger, env.config, 'assistant', 'annual-review', '2026-03-10');
    await seedEvidence(env);
    await runOn(env, 'assistant-pre-review', '2027-03-08', weekdays);
    const [mail] = await smtp.waitFor(1);
    const m = mail!.parsed;
    expect(m.subject).toBe('[智能客服大模型] Reminder: 年度合规自查与复审 is due in 7 days (2027-03-15)');
    expect(addresses(m.cc)).toEqual(['cto@example.com']);
    expect(m.text).toContain('The deadline is close or past, so the escalation contacts are copied.');
    expect(m.text).toContain('Safety logs: 9 months present, 2 missing, 1 failed, 0 not yet due');
    expect(m.text).toContain('Review why the violation rate was too high in 2026-07');
    expect(String(m.html)).toContain('Review readiness (2026-03 to 2027-02)');
    expect(String(m.html)).toContain('lang="en"');
  });

  it('the outbox transport writes valid RFC 5322 .eml files', async () => {
    env = await inlineEnv(preReviewConfig({ from: 'AI 合规助手 <compliance@example.com>', transport: 'outbox' }), '2026-03-10T12:00:00+08:00');
    await markDone(env.ledger, env.config, 'assistant', 'annual-review', '2026-03-10');
    await runOn(env, 'assistant-pre-review', '2027-03-16', weekdays); // overdue notice
    const files = readdirSync(env.config.outboxDir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const raw = readFileSync(join(env.config.outboxDir, files[0]!));
    const text = raw.toString('latin1');
    expect(text).not.toMatch(/[^\r]\n/); // CRLF line ends only
    expect(Math.max(...text.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
    expect(text).toMatch(/^Message-ID: <[0-9a-f]{32}\.dossier@example\.com>\r$/m);
    const m = await simpleParser(raw);
    expect(m.subject).toBe('[智能客服大模型] 已逾期 1 天：年度合规自查与复审（应于 2027-03-15 完成）');
    expect(m.headers.get('mime-version')).toBe('1.0');
    expect(m.date?.toISOString()).toBe('2027-03-16T01:00:00.000Z');
    expect(addresses(m.to)).toEqual(['legal@example.com', 'ops@example.com']);
    expect(addresses(m.cc)).toEqual(['cto@example.com']);
    expect(m.text).toContain('现已逾期 1 天');
    expect(String(m.html)).toContain('已逾期');
    const stored = await loadNotification(env.ledger, 'pre-review:assistant:annual-review:2027-03-15:overdue:2027-03-16');
    expect(stored!.sent!.transport).toBe('outbox');
    expect(stored!.sent!.file).toBe(join(env.config.outboxDir, files[0]!));
  });
});
