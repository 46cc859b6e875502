import { afterEach, describe, expect, it } from 'vitest';
import { listNotifications, loadNotification } from '../../../src/ledger/notifications.js';
import { recordRunFinished, recordRunStarted } from '../../../src/ledger/runs.js';
import type { PendingNotification } from '../../../src/ledger/notifications.js';
import { sweepNotifications } from '../../../src/notify/recover.js';
import { startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { inlineEnv, markDone, preReviewConfig, runOn, smtpMail, type InlineEnv } from '../../helpers/notify.js';

const weekdays = (d: string) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

function withCheck(config: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const checks = (config.checks as Array<Record<string, unknown>>).map((c) => (c.type === 'pre-review' ? { ...c, ...patch } : c));
  return { ...config, checks };
}

describe('mute, quiet hours and recovery', () => {
  let smtp: TestSmtp;
  let env: InlineEnv;
  afterEach(async () => {
    await env?.close();
    await smtp?.close();
  });

  async function setup(config: (mail: Record<string, unknown>) => Record<string, unknown>) {
    smtp = await startTestSmtp();
    env = await inlineEnv(config(smtpMail(smtp.port)), '2026-03-10T12:00:00+08:00');
    await markDone(env.ledger, env.config, 'assistant', 'annual-review', '2026-03-10');
  }

  it('a muted check records the suppression and sends nothing; after the mute ends, the next milestone goes out', async () => {
    await setup((mail) => withCheck(preReviewConfig(mail), { mute: { until: '2027-02-20', reason: 'audit freeze' } }));
    await runOn(env, 'assistant-pre-review', '2027-02-13', weekdays); // T-30, muted
    const muted = await loadNotification(env.ledger, 'pre-review:assistant:annual-review:2027-03-15:T-30');
    expect(muted).toMatchObject({ state: 'muted', mutedReason: 'muted until 2027-02-20: audit freeze', to: ['ops@example.com', 'legal@example.com'] });
    await runOn(env, 'assistant-pre-review', '2027-02-14', weekdays); // same milestone: already recorded, nothing new
    await runOn(env, 'assistant-pre-review', '2027-03-01', weekdays); // T-14, mute over
    expect(smtp.received.map((m) => m.parsed.headers.get('x-dossier-key'))).toEqual(['pre-review:assistant:annual-review:2027-03-15:T-14']);
  });

  it('quiet hours hold an email as pending; it is sent once they end', async () => {
    await setup((mail) => preReviewConfig({ ...mail, quietHours: { start: '08:00', end: '10:00' } }));
    await runOn(env, 'assistant-pre-review', '2027-02-13', weekdays); // 09:00: inside quiet hours
    const held = await loadNotification(env.ledger, 'pre-review:assistant:annual-review:2027-03-15:T-30');
    expect(held).toMatchObject({ state: 'pending', holdUntil: '2027-02-13T02:00:00.000Z' });
    expect(smtp.received).toHaveLength(0);
    // After the quiet hours the sweep hands it on (here: inline delivery).
    env.clock.set(env.clock.now().plus({ hours: 2 }));
    const { inlineDispatch } = await import('../../../src/notify/inline.js');
    const dispatch = inlineDispatch(env.notifyEnv, env.transports);
    const report = await sweepNotifications(env.notifyEnv, env.notifier, dispatch, { minAgeMs: 0 });
    expect(report.requeued).toEqual(['pre-review:assistant:annual-review:2027-03-15:T-30']);
    expect(smtp.received).toHaveLength(1);
    expect((await loadNotification(env.ledger, 'pre-review:assistant:annual-review:2027-03-15:T-30'))!.state).toBe('sent');
  });

  it('a request recorded in a Result but never taken in (crash in between) is submitted by the sweep', async () => {
    await setup((mail) => preReviewConfig(mail));
    // A run as the worker records it, with its notification request, and then the process dies.
    const request = {
      key: 'test:orphan',
      to: ['ops'],
      content: { template: 'plain' as const, data: { subject: '孤儿请求', text: '运行已记录，邮件尚未进入管道。' } },
    };
    const base = {
      runId: 'run-orphan',
      check: 'assistant-pre-review',
      type: 'pre-review',
      service: 'assistant',
      period: { key: '2026-11-30', start: '2026-11-30T00:00:00.000+08:00', end: '2026-12-01T00:00:00.000+08:00' },
      scheduledAt: '2026-11-30T09:00:00.000+08:00',
      startedAt: '2026-11-30T09:00:00.000+08:00',
      attempt: 1,
      trigger: 'schedule' as const,
    };
    env.clock.set(env.clock.now().set({ year: 2026, month: 11, day: 30 }));
    await recordRunStarted(env.ledger, base);
    await recordRunFinished(env.ledger, { ...base, finishedAt: base.startedAt, status: 'pass', summary: '', metrics: {}, findings: [], evidence: [], notifications: [request] });
    const queued: PendingNotification[] = [];
    const report = await sweepNotifications(env.notifyEnv, env.notifier, async (p) => void queued.push(p), { minAgeMs: 0 });
    expect(report.resubmitted).toEqual(['test:orphan']);
    expect(smtp.received.map((m) => m.parsed.subject)).toEqual(['[智能客服大模型] 孤儿请求']);
    // A second sweep finds it recorded and does nothing.
    const again = await sweepNotifications(env.notifyEnv, env.notifier, async (p) => void queued.push(p), { minAgeMs: 0 });
    expect(again.resubmitted).toEqual([]);
    expect(await listNotifications(env.ledger, ['sent'])).toHaveLength(1);
  });
});
