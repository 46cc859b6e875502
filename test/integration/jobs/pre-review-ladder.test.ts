import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listNotifications } from '../../../src/ledger/notifications.js';
import { addresses, startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { days, inlineEnv, markDone, preReviewConfig, runOn, smtpMail, type InlineEnv } from '../../helpers/notify.js';

/**
 * The lead-day ladder over a simulated year, with a pinned clock and every email delivered to a
 * real SMTP server and parsed. The working-day calendar is injected: 2027-03-18 (a Thursday) is
 * a holiday and 2027-03-20 (a Saturday) a make-up working day (调休).
 */
const calendar = (d: string) => {
  if (d === '2027-03-18') return false;
  if (d === '2027-03-20') return true;
  const wd = new Date(`${d}T00:00:00Z`).getUTCDay();
  return wd !== 0 && wd !== 6;
};
const CHECK = 'assistant-pre-review';

describe('pre-review reminders', () => {
  let smtp: TestSmtp;
  let env: InlineEnv;
  beforeEach(async () => {
    smtp = await startTestSmtp();
    env = await inlineEnv(preReviewConfig(smtpMail(smtp.port)), '2026-03-10T12:00:00+08:00');
    // The 2026 review was done: the next due date is 2027-03-15.
    expect(await markDone(env.ledger, env.config, 'assistant', 'annual-review', '2026-03-10')).toBe('2026-03-15');
  });
  afterEach(async () => {
    await env.close();
    await smtp.close();
  });

  const keyOf = (m: TestSmtp['received'][number]) => String(m.parsed.headers.get('x-dossier-key'));

  it('follow the ladder over a year: milestones, escalation, overdue on working days only, nothing after done', async () => {
    for (const day of days('2026-03-16', '2027-04-10')) {
      if (day === '2027-03-25') {
        env.clock.set(env.clock.now().plus({ hours: 23 }));
        await markDone(env.ledger, env.config, 'assistant', 'annual-review', '2027-03-25');
      }
      await runOn(env, CHECK, day, calendar);
    }
    const base = 'pre-review:assistant:annual-review:2027-03-15';
    const expected = [
      ['2027-01-14', `${base}:T-60`, false],
      ['2027-02-13', `${base}:T-30`, false],
      ['2027-03-01', `${base}:T-14`, false],
      ['2027-03-08', `${base}:T-7`, true],
      ['2027-03-12', `${base}:T-3`, true],
      ['2027-03-14', `${base}:T-1`, true],
      ...['2027-03-16', '2027-03-17', '2027-03-19', '2027-03-20', '2027-03-22', '2027-03-23', '2027-03-24'].map((d) => [d, `${base}:overdue:${d}`, true] as const),
    ] as const;
    expect(smtp.received.map(keyOf)).toEqual(expected.map(([, key]) => key));
    smtp.received.forEach((m, i) => {
      const [day, , escalated] = expected[i]!;
      // Sent on the day of its run (the Date header is the pinned clock at intake).
      expect(m.parsed.date?.toISOString().slice(0, 10)).toBe(day);
      expect(addresses(m.parsed.to)).toEqual(['legal@example.com', 'ops@example.com']);
      expect(addresses(m.parsed.cc)).toEqual(escalated ? ['cto@example.com'] : []);
      expect(m.parsed.subject).toMatch(/^\[智能客服大模型\] /);
    });
    expect(smtp.received[1]!.parsed.subject).toBe('[智能客服大模型] 复审提醒：年度合规自查与复审 还剩 30 天（2027-03-15 到期）');
    expect(smtp.received[6]!.parsed.subject).toBe('[智能客服大模型] 已逾期 1 天：年度合规自查与复审（应于 2027-03-15 完成）');
    // Every email is recorded sent in the ledger; none is pending or failed.
    expect(await listNotifications(env.ledger, ['pending', 'failed'])).toEqual([]);
    expect((await listNotifications(env.ledger, ['sent'])).length).toBe(expected.length);
  });

  it('a daemon that was down across milestones sends one catch-up reminder, the latest', async () => {
    for (const day of days('2027-01-01', '2027-01-10')) await runOn(env, CHECK, day, calendar);
    expect(smtp.received).toHaveLength(0);
    // Down from 01-11 to 02-19: T-60 (01-14) and T-30 (02-13) were missed.
    for (const day of days('2027-02-20', '2027-02-27')) await runOn(env, CHECK, day, calendar);
    // Down again over T-14 and T-7; back on 03-13 (2 days left).
    await runOn(env, CHECK, '2027-03-13', calendar);
    expect(smtp.received.map(keyOf)).toEqual(['pre-review:assistant:annual-review:2027-03-15:T-30', 'pre-review:assistant:annual-review:2027-03-15:T-3']);
    expect(addresses(smtp.received[1]!.parsed.cc)).toEqual(['cto@example.com']);
  });

  it('running the same check twice at the same instant sends one email', async () => {
    const first = await runOn(env, CHECK, '2027-02-13', calendar);
    const second = await runOn(env, CHECK, '2027-02-13', calendar);
    expect(first.runId).not.toBe(second.runId);
    expect(first.notifications?.map((n) => n.key)).toEqual(second.notifications?.map((n) => n.key));
    expect(smtp.received).toHaveLength(1);
    const [sent] = await listNotifications(env.ledger, ['sent']);
    expect(sent!.sent!.messageId).toBe(smtp.received[0]!.parsed.messageId);
  });

  it('reports status, findings and readiness in the Result', async () => {
    const r = await runOn(env, CHECK, '2027-03-12', calendar);
    expect(r.status).toBe('warn');
    expect(r.findings.map((f) => [f.code, f.deadline])).toEqual([['obligation-due-soon', '2027-03-15']]);
    const metrics = r.metrics as { obligations: Array<{ daysLeft: number; escalated: boolean }>; readiness: { window: unknown; months: unknown[] } };
    expect(metrics.obligations[0]).toMatchObject({ daysLeft: 3, escalated: true });
    expect(metrics.readiness.window).toEqual({ from: '2026-03', to: '2027-02' });
    expect(metrics.readiness.months).toHaveLength(12);
    const overdue = await runOn(env, CHECK, '2027-03-16', calendar);
    expect(overdue.status).toBe('fail');
    expect(overdue.findings[0]!.code).toBe('obligation-overdue');
  });
});
