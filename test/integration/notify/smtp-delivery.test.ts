import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { listNotifications, loadNotification } from '../../../src/ledger/notifications.js';
import type { NotificationRequest } from '../../../src/notify/request.js';
import { NOTIFY_QUEUE } from '../../../src/queue/names.js';
import { buildStatus } from '../../../src/report/status.js';
import { notifyJobId, startNotifications, type NotificationsHandle } from '../../../workers/notify-worker.js';
import { runCli } from '../../helpers/cli.js';
import { smtpMail } from '../../helpers/notify.js';
import { eventually, startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { baseConfig, REDIS_URL, testEnv, type TestEnv } from '../../helpers/workspace.js';

/** Through the real notification queue (BullMQ on the shared Redis, own prefix) to a real SMTP server. */
describe('SMTP delivery through the notification queue', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!().catch(() => undefined);
  });

  async function setup(smtp: TestSmtp, smtpExtra: Record<string, unknown>, processEnv: NodeJS.ProcessEnv = {}) {
    const logs: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, cb) => (logs.push(String(chunk)), cb()) }));
    const env: TestEnv = await testEnv({ config: baseConfig({ mail: smtpMail(smtp.port, smtpExtra) }) });
    cleanup.push(() => env.close());
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    cleanup.push(async () => connection.disconnect());
    const handle: NotificationsHandle = startNotifications({
      connection,
      prefix: env.config.redis.prefix,
      env: { config: () => env.config, ledger: env.ledger, clock: env.clock, logger },
      processEnv,
    });
    cleanup.push(() => handle.close());
    const queue = new Queue(NOTIFY_QUEUE, { connection, prefix: env.config.redis.prefix });
    cleanup.push(() => queue.obliterate({ force: true }).then(() => queue.close()));
    return { env, handle, logs, queue };
  }

  const request = (key: string): NotificationRequest => ({
    key,
    to: ['ops'],
    content: { template: 'plain', data: { subject: '测试邮件', text: '第一段。\n\n第二段。' } },
  });

  it('retries while the server refuses connections, then delivers exactly once', async () => {
    const smtp = await startTestSmtp({ listening: false });
    cleanup.push(() => smtp.close());
    const { env, handle, queue } = await setup(smtp, {});
    const [report] = await handle.notifier.submit([request('test:refused-then-accepted')], { kind: 'check', checkId: 'assistant-policy-freshness', service: 'assistant' });
    expect(report!.outcome).toBe('queued');

    // At least two refused attempts are recorded (still pending), then the server comes up.
    await eventually(async () => ((await loadNotification(env.ledger, 'test:refused-then-accepted'))?.attempts ?? 0) >= 2, 20_000, 'two failed attempts');
    const before = await loadNotification(env.ledger, 'test:refused-then-accepted');
    expect(before!.state).toBe('pending');
    expect(before!.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
    await smtp.listen();

    const sent = await eventually(async () => {
      const v = await loadNotification(env.ledger, 'test:refused-then-accepted');
      return v?.state === 'sent' ? v : undefined;
    }, 20_000, 'sent');
    const job = await queue.getJob(notifyJobId('test:refused-then-accepted'));
    await eventually(async () => (await job?.getState()) === 'completed' || !(await queue.getJob(notifyJobId('test:refused-then-accepted'))), 10_000, 'job completed');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.parsed.messageId).toBe(sent.sent!.messageId);
    expect(smtp.received[0]!.parsed.subject).toBe('[智能客服大模型] 测试邮件');
    expect(sent.sent!.attempt).toBeGreaterThanOrEqual(3);
    // A second dispatch of the same key (a crash-restart sweep) does not send again.
    await handle.sweep();
    const again = await handle.notifier.submit([request('test:refused-then-accepted')], { kind: 'check' });
    expect(again[0]!.outcome).toBe('duplicate');
    expect(smtp.received).toHaveLength(1);
  });

  it('an authentication failure is failed at once: no retry storm, shown in status, password nowhere', async () => {
    const password = 'wrong-Pa55word-x9';
    const smtp = await startTestSmtp({ auth: { user: 'dossier', pass: 'the-right-one' } });
    cleanup.push(() => smtp.close());
    const { env, handle, logs, queue } = await setup(smtp, { user: 'dossier', passwordEnv: 'TEST_SMTP_PASSWORD' }, { TEST_SMTP_PASSWORD: password });
    await handle.notifier.submit([request('test:auth-failure')], { kind: 'check', checkId: 'assistant-policy-freshness', service: 'assistant' });

    const failed = await eventually(async () => {
      const v = await loadNotification(env.ledger, 'test:auth-failure');
      return v?.state === 'failed' ? v : undefined;
    }, 20_000, 'failed');
    await eventually(async () => (await queue.getJob(notifyJobId('test:auth-failure')))?.isFailed(), 10_000, 'job failed in BullMQ');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/EAUTH/);
    expect(failed.lastError).toMatch(/passwordEnv/);
    expect(smtp.authAttempts).toBe(1);
    expect(smtp.received).toHaveLength(0);

    const status = await buildStatus(env.ledger, env.config, env.clock.now());
    expect(status.services[0]!.notifications.failed.map((n) => n.key)).toEqual(['test:auth-failure']);
    const cli = await runCli(['status', '--json', '--config', env.configPath]);
    expect(cli.code).toBe(0);
    const json = JSON.parse(cli.stdout) as { services: Array<{ notifications: { failed: Array<{ key: string; error: string }> } }> };
    expect(json.services[0]!.notifications.failed[0]!.key).toBe('test:auth-failure');
    const text = await runCli(['status', '--config', env.configPath]);
    expect(text.stdout).toContain('发送失败的邮件（1）');
    expect(text.stdout).toContain('测试邮件');

    // The secret never reaches the ledger, the logs or the command output.
    const db = readFileSync(env.config.ledger.url.slice('sqlite:'.length));
    expect(db.includes(password)).toBe(false);
    expect(db.includes(Buffer.from(password).toString('base64'))).toBe(false);
    expect(logs.join('')).not.toContain(password);
    expect(cli.stdout + cli.stderr + text.stdout).not.toContain(password);
    expect((await listNotifications(env.ledger, ['failed'])).length).toBe(1);
  });

  it('a rejected recipient (550) is failed at once, not retried', async () => {
    const smtp = await startTestSmtp({ rejectRecipients: ['ops@example.com'] });
    cleanup.push(() => smtp.close());
    const { env, handle } = await setup(smtp, {});
    await handle.notifier.submit([request('test:rejected')], { kind: 'check', service: 'assistant' });
    const failed = await eventually(async () => {
      const v = await loadNotification(env.ledger, 'test:rejected');
      return v?.state === 'failed' ? v : undefined;
    });
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/550/);
    expect(failed.lastError).toContain('rejected a recipient');
    expect(smtp.received).toHaveLength(0);
  });

  it('a recipient refused while others accept: sent, and the refusal shown in status', async () => {
    const smtp = await startTestSmtp({ rejectRecipients: ['legal@example.com'] });
    cleanup.push(() => smtp.close());
    const { env, handle } = await setup(smtp, {});
    await handle.notifier.submit([{ ...request('test:partly'), to: ['ops', 'legal'] }], { kind: 'check', service: 'assistant' });
    await smtp.waitFor(1);
    const sent = await eventually(async () => {
      const v = await loadNotification(env.ledger, 'test:partly');
      return v?.state === 'sent' ? v : undefined;
    });
    expect(sent.sent).toMatchObject({ accepted: ['ops@example.com'], rejected: ['legal@example.com'] });
    const status = await buildStatus(env.ledger, env.config, env.clock.now());
    expect(status.services[0]!.notifications.failed).toEqual([expect.objectContaining({ key: 'test:partly', error: 'the mail server refused legal@example.com' })]);
  });

  it('a missing password variable is a permanent failure that names the variable', async () => {
    const smtp = await startTestSmtp({ auth: { user: 'dossier', pass: 'x' } });
    cleanup.push(() => smtp.close());
    const { env, handle } = await setup(smtp, { user: 'dossier', passwordEnv: 'NOT_SET_ANYWHERE' }, {});
    await handle.notifier.submit([request('test:no-password')], { kind: 'system' });
    const failed = await eventually(async () => {
      const v = await loadNotification(env.ledger, 'test:no-password');
      return v?.state === 'failed' ? v : undefined;
    });
    expect(failed.lastError).toContain('NOT_SET_ANYWHERE');
    expect(smtp.connections).toBe(0);
  });
});
