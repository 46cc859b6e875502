import { DateTime } from 'luxon';
import { UsageError } from '../../lib/errors.js';
import { say, type Locale } from '../../lib/i18n.js';
import { stateLabel } from '../../lib/labels.js';
import { readinessText } from '../../notify/templates/pre-review.js';
import { buildStatus, type NotificationBrief, type StatusReport } from '../../report/status.js';
import { configOption, jsonOption, readConfig, table, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';

/**
 * `dossier status`: per service, obligations with due date and days left, the last result of
 * each check, open cases, emails that failed or are being retried, and the review readiness.
 */
export const registerStatus: CommandRegistrar = (program, ctx) => {
  program
    .command('status')
    .description('per service: obligations and days left, last result per check, open cases, failed emails, readiness')
    .option('--at <iso>', 'as of this instant instead of now (ISO-8601; without offset: in the config timezone)')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: CommonOptions & { at?: string }) => {
      const config = readConfig(opts);
      const now = opts.at ? DateTime.fromISO(opts.at, { zone: config.timezone }) : ctx.clock.now();
      if (!now.isValid) throw new UsageError(`--at "${opts.at}" is not an ISO-8601 instant; write e.g. 2026-11-30T09:00:00+08:00`);
      const report = await withLedger(config, ctx, (ledger) => buildStatus(ledger, config, now));
      ctx.out(opts.json ? JSON.stringify(report, null, 2) : formatStatus(config.locale, report));
    });
};

export function formatStatus(l: Locale, r: StatusReport): string {
  const out: string[] = [say(l, `截至 ${r.asOf.slice(0, 16).replace('T', ' ')}（${r.timezone}）`, `As of ${r.asOf.slice(0, 16).replace('T', ' ')} (${r.timezone})`)];
  for (const s of r.services) {
    out.push('', `${s.name} (${s.id}) · ${say(l, '备案号', 'filing')} ${s.filing.number}`);
    out.push(say(l, '  到期事项：', '  Obligations:'));
    if (!s.obligations.length) out.push(say(l, '    无', '    none'));
    for (const o of s.obligations) {
      const due =
        o.dueDate === null
          ? say(l, '已全部完成', 'all done')
          : o.daysLeft! < 0
            ? say(l, `${o.dueDate}  已逾期 ${-o.daysLeft!} 天`, `${o.dueDate}  ${-o.daysLeft!} days overdue`)
            : say(l, `${o.dueDate}  还剩 ${o.daysLeft} 天`, `${o.dueDate}  in ${o.daysLeft} days`);
      const done = o.lastDone ? say(l, `（上次完成 ${o.lastDone.completedOn}）`, ` (last done ${o.lastDone.completedOn})`) : '';
      out.push(`    ${o.title}  ${due}${done}`);
    }
    out.push(say(l, '  检查：', '  Checks:'));
    out.push(
      indent(
        table(
          s.checks.map((c) => [
            c.id,
            c.last ? c.last.period : '-',
            c.last ? stateLabel(l, c.last.status) : stateLabel(l, 'never-run'),
            c.last ? c.last.finishedAt.slice(0, 16).replace('T', ' ') : '',
            [c.enabled ? '' : say(l, '已停用', 'disabled'), c.muted ? say(l, '已静音', 'muted') : ''].filter(Boolean).join(' '),
          ]),
        ),
        4,
      ),
    );
    out.push(say(l, `  未结案件（${s.openCases.length}）：`, `  Open cases (${s.openCases.length}):`));
    for (const c of s.openCases) out.push(`    ${c.deadline ?? '-'}  ${c.title}  (${stateLabel(l, c.state)})`);
    out.push(...notificationLines(l, s.notifications.failed, s.notifications.retrying));
    if (s.readiness) out.push(...readinessText(l, s.readiness).map((line) => `  ${line}`));
  }
  if (r.notifications.failed.length || r.notifications.retrying.length) {
    out.push('', say(l, '其他邮件（每日摘要等）：', 'Other emails (daily digest, …):'), ...notificationLines(l, r.notifications.failed, r.notifications.retrying));
  }
  return out.join('\n');
}

function notificationLines(l: Locale, failed: NotificationBrief[], retrying: NotificationBrief[]): string[] {
  const lines = [say(l, `  发送失败的邮件（${failed.length}）：`, `  Failed emails (${failed.length}):`)];
  for (const n of failed) lines.push(`    ${n.subject || n.key}`, `      ${n.error ?? ''}`);
  if (retrying.length) {
    lines.push(say(l, `  正在重试的邮件（${retrying.length}）：`, `  Emails being retried (${retrying.length}):`));
    for (const n of retrying) lines.push(`    ${n.subject || n.key} · ${say(l, `已尝试 ${n.attempts} 次`, `${n.attempts} attempts`)} · ${n.error ?? ''}`);
  }
  return lines;
}

function indent(text: string, n: number): string {
  return text
    .split('\n')
    .map((line) => ' '.repeat(n) + line)
    .join('\n');
}
