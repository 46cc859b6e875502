import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_QUEUE } from '../../../src/queue/names.js';
import { runCli } from '../../helpers/cli.js';
import { startDaemonProcess, type DaemonProcess } from '../../helpers/daemon.js';
import { smtpMail } from '../../helpers/notify.js';
import { addresses, eventually, startTestSmtp, type TestSmtp } from '../../helpers/smtp.js';
import { baseConfig, REDIS_URL, tempWorkspace, writeConfig } from '../../helpers/workspace.js';

/**
 * End to end through the built CLI: `dossier start` (scheduler + workers) sends the daily digest
 * it missed, a pre-review run through the daemon emails its reminder over SMTP, and
 * `obligation done` / `status` work on the same ledger.
 */
describe('daemon → notification queue → SMTP', () => {
  let smtp: TestSmtp;
  let daemon: DaemonProcess | undefined;
  let configPath: string;
  let prefix: string;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    const dir = tempWorkspace();
    const written = baseConfig({
        mail: smtpMail(smtp.port),
        // Midnight: today's digest time has always passed when the test runs, so start catches it up.
        digest: { cron: '0 0 * * *', to: ['ops'] },
        // The watchdog looks every 3 s, so a vanished scheduler is found quickly.
        scheduler: { watchdogMinutes: 0.05 },
        checks: [
          { id: 'assistant-pre-review', type: 'pre-review', service: 'assistant', cron: '0 9 * * *', notify: ['ops', 'legal'], escalate: ['managers'] },
        ],
      });
    prefix = (written.redis as { prefix: string }).prefix;
    configPath = writeConfig(dir, written).path;
  });
  afterAll(async () => {
    await daemon?.stop();
    await smtp.close();
  });

  it('records completions and validates the command', async () => {
    const done = await runCli(['obligation', 'done', 'assistant', 'annual-review', '--on', '2026-03-10', '--by', 'legal-team', '--config', configPath]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('已记录：年度合规自查与复审 于 2026-03-10 完成（对应到期日 2026-03-15）；下一个到期日 2027-03-15');
    // Running it again does not roll the duty forward a second time.
    const again = await runCli(['obligation', 'done', 'assistant', 'annual-review', '--on', '2026-03-10', '--json', '--config', configPath]);
    expect(JSON.parse(again.stdout)).toMatchObject({ recorded: false, nextDue: '2027-03-15' });
    const bad = await runCli(['obligation', 'done', 'assistant', 'nope', '--on', '2026-03-10', '--config', configPath]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('service "assistant" has no obligation "nope"; obligations: annual-review');
    const badDate = await runCli(['obligation', 'done', 'assistant', 'annual-review', '--on', '2026-02-30', '--config', configPath]);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('--on "2026-02-30" is not a date; write it as YYYY-MM-DD');
    const status = await runCli(['status', '--json', '--at', '2027-02-13T09:00:00+08:00', '--config', configPath]);
    const json = JSON.parse(status.stdout) as { services: Array<{ obligations: Array<Record<string, unknown>> }> };
    expect(json.services[0]!.obligations[0]).toMatchObject({ id: 'annual-review', dueDate: '2027-03-15', daysLeft: 30, state: 'due-soon', lastDone: { completedOn: '2026-03-10', by: 'legal-team' } });
  });

  it('sends the missed daily digest on start and a reminder for a run through the daemon', async () => {
    daemon = startDaemonProcess(configPath);
    await daemon.waitForLog('dossier started');
    const [digest] = await smtp.waitFor(1);
    expect(digest!.parsed.subject).toMatch(/^\[智能客服大模型\] 每日合规摘要 \d{4}-\d{2}-\d{2}：/);
    expect(digest!.parsed.text).toMatch(/账本哈希链头：seq \d+，[0-9a-f]{64}/);
    expect(addresses(digest!.parsed.to)).toEqual(['ops@example.com']);

    const run = await runCli(['run', 'assistant-pre-review', '--at', '2027-02-13T09:00:00+08:00', '--wait', '--json', '--config', configPath]);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { status: string; notifications: Array<{ key: string }> };
    expect(result.status).toBe('warn');
    expect(result.notifications.map((n) => n.key)).toEqual(['pre-review:assistant:annual-review:2027-03-15:T-30']);
    const mails = await smtp.waitFor(2);
    const reminder = mails[1]!.parsed;
    expect(reminder.subject).toBe('[智能客服大模型] 复审提醒：年度合规自查与复审 还剩 30 天（2027-03-15 到期）');
    expect(addresses(reminder.to)).toEqual(['legal@example.com', 'ops@example.com']);

    const status = await eventually(async () => {
      const out = await runCli(['status', '--json', '--config', configPath]);
      const s = JSON.parse(out.stdout) as { services: Array<{ notifications: { failed: unknown[]; retrying: unknown[] } }> };
      return s.services[0]!.notifications.failed.length === 0 ? s : undefined;
    });
    expect(status.services[0]!.notifications.retrying).toEqual([]);

    // The watchdog finds a scheduler gone from Redis, repairs it and emails ops.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(CHECK_QUEUE, { connection, prefix });
    await queue.removeJobScheduler('assistant-pre-review');
    const alert = (await smtp.waitFor(3))[2]!.parsed;
    expect(alert.subject).toBe('[智能客服大模型] 检查 assistant-pre-review 的调度在 Redis 中丢失，已重新创建');
    expect(addresses(alert.to)).toEqual(['ops@example.com']);
    await eventually(async () => (await queue.getJobSchedulers()).some((s) => s.key === 'assistant-pre-review'), 10_000, 'scheduler repaired');
    await queue.close();
    connection.disconnect();

    expect(await daemon.stop()).toBe(0);
    daemon = undefined;
    expect(smtp.received).toHaveLength(3);
  });
});
