import { say, type Locale } from '../../lib/i18n.js';
import type { OpenCase } from '../../ledger/open-cases.js';
import { badge, code, footer, heading, page, para, table } from './html.js';
import { label } from './labels.js';
import type { Rendered } from './types.js';

/** The daily digest's content (built by src/report/digest.ts). */
export interface DigestMail {
  date: string;
  asOf: string;
  timezone: string;
  checks: Array<{
    id: string;
    type: string;
    service: string;
    enabled: boolean;
    last: { period: string; status: string; finishedAt: string; summary: string } | null;
    /** The run expected most recently that has no result (the check did not run when expected). */
    missed: { expectedAt: string; period: string } | null;
  }>;
  obligations: Array<{ service: string; id: string; title: string; dueDate: string | null; daysLeft: number | null }>;
  openCases: OpenCase[];
  notifications: {
    failed: Array<{ key: string; subject: string; error: string; attempts: number; at: string }>;
    retrying: Array<{ key: string; subject: string; error: string; attempts: number; at: string }>;
  };
  head: { seq: number; hash: string };
  /** Hash of everything above except the date, instant and chain head: "did anything change?". */
  fingerprint: string;
}

export function renderDigest(d: DigestMail, locale: Locale): Rendered {
  const count = (s: string) => d.checks.filter((c) => c.last?.status === s).length;
  const missed = d.checks.filter((c) => c.missed);
  const failedMail = d.notifications.failed.length;
  const parts = [
    say(locale, `${count('pass')} 项通过`, `${count('pass')} pass`),
    ...(count('warn') ? [say(locale, `${count('warn')} 项警告`, `${count('warn')} warn`)] : []),
    ...(count('fail') ? [say(locale, `${count('fail')} 项不合格`, `${count('fail')} fail`)] : []),
    ...(count('inconclusive') ? [say(locale, `${count('inconclusive')} 项无法判定`, `${count('inconclusive')} inconclusive`)] : []),
    ...(missed.length ? [say(locale, `${missed.length} 项未按时运行`, `${missed.length} did not run`)] : []),
    ...(failedMail ? [say(locale, `${failedMail} 封邮件发送失败`, `${failedMail} email${failedMail === 1 ? '' : 's'} failed`)] : []),
  ];
  const subject = say(locale, `每日合规摘要 ${d.date}：${parts.join('，')}`, `Daily compliance digest ${d.date}: ${parts.join(', ')}`);
  const headLine = say(locale, `账本哈希链头：seq ${d.head.seq}，${d.head.hash}`, `Ledger hash-chain head: seq ${d.head.seq}, ${d.head.hash}`);
  const anchor = say(
    locale,
    '请保留本邮件：链头记录在机器之外，可用 dossier verify 核对账本是否被截断或改写。',
    'Keep this email: it holds the chain head outside the machine, so `dossier verify` can show whether the ledger was cut or rewritten.',
  );
  const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

  // Plain text
  const text: string[] = [say(locale, `截至 ${when(d.asOf)}（${d.timezone}）`, `As of ${when(d.asOf)} (${d.timezone})`), ''];
  text.push(say(locale, '各项检查的最近结果：', 'Last run of every check:'));
  for (const c of d.checks) {
    const last = c.last ? `${c.last.period} ${label(locale, c.last.status)} (${when(c.last.finishedAt)})` : say(locale, '尚未运行', 'never run');
    text.push(`  ${c.id}  ${last}${c.enabled ? '' : say(locale, '（已停用）', ' (disabled)')}`);
  }
  text.push('', say(locale, '未按时运行的检查：', 'Checks that did not run when expected:'));
  if (missed.length) for (const c of missed) text.push(`  ${c.id}  ${say(locale, '应于', 'expected at')} ${when(c.missed!.expectedAt)} (${c.missed!.period})`);
  else text.push(say(locale, '  无', '  none'));
  text.push('', say(locale, '到期事项：', 'Obligations:'));
  for (const o of d.obligations) text.push(`  ${o.title} (${o.service})  ${dueText(locale, o)}`);
  if (!d.obligations.length) text.push(say(locale, '  无', '  none'));
  text.push('', say(locale, `未结案件（按截止日期）：`, 'Open cases (by deadline):'));
  if (d.openCases.length) for (const c of d.openCases) text.push(`  ${c.deadline ?? '—'}  ${c.title} (${c.service}, ${label(locale, c.state)})`);
  else text.push(say(locale, '  无', '  none'));
  text.push('', say(locale, '发送失败的邮件：', 'Failed emails:'));
  if (failedMail) for (const n of d.notifications.failed) text.push(`  ${n.subject || n.key}  ${n.error}`);
  else text.push(say(locale, '  无', '  none'));
  if (d.notifications.retrying.length) {
    text.push(say(locale, '正在重试的邮件：', 'Emails being retried:'));
    for (const n of d.notifications.retrying) text.push(`  ${n.subject || n.key}  ${n.error}`);
  }
  text.push('', headLine, anchor);

  // HTML
  const blocks = [para(say(locale, `截至 ${when(d.asOf)}（${d.timezone}）`, `As of ${when(d.asOf)} (${d.timezone})`), 'muted')];
  blocks.push(heading(say(locale, '各项检查', 'Checks')));
  blocks.push(
    table(
      [say(locale, '检查', 'Check'), say(locale, '周期', 'Period'), say(locale, '结果', 'Status'), say(locale, '完成时间', 'Finished')],
      d.checks.map((c) => [
        c.id,
        c.last?.period ?? '—',
        c.last ? badge(c.last.status, label(locale, c.last.status)) : badge('missing', label(locale, 'never-run')),
        c.last ? when(c.last.finishedAt) : '—',
      ]),
    ),
  );
  blocks.push(heading(say(locale, '未按时运行', 'Did not run when expected')));
  blocks.push(
    missed.length
      ? table([say(locale, '检查', 'Check'), say(locale, '应运行时间', 'Expected at'), say(locale, '周期', 'Period')], missed.map((c) => [c.id, when(c.missed!.expectedAt), c.missed!.period]))
      : para(say(locale, '无', 'None'), 'muted'),
  );
  blocks.push(heading(say(locale, '到期事项', 'Obligations')));
  blocks.push(
    d.obligations.length
      ? table([say(locale, '事项', 'Obligation'), say(locale, '服务', 'Service'), say(locale, '到期', 'Due')], d.obligations.map((o) => [o.title, o.service, dueText(locale, o)]))
      : para(say(locale, '无', 'None'), 'muted'),
  );
  blocks.push(heading(say(locale, '未结案件（按截止日期）', 'Open cases by deadline')));
  blocks.push(
    d.openCases.length
      ? table([say(locale, '截止', 'Deadline'), say(locale, '案件', 'Case'), say(locale, '服务', 'Service'), say(locale, '状态', 'State')], d.openCases.map((c) => [c.deadline ?? '—', c.title, c.service, label(locale, c.state)]))
      : para(say(locale, '无', 'None'), 'muted'),
  );
  blocks.push(heading(say(locale, '发送失败的邮件', 'Failed emails')));
  const mailRows = [...d.notifications.failed.map((n) => ({ ...n, state: 'failed' })), ...d.notifications.retrying.map((n) => ({ ...n, state: 'pending' }))];
  blocks.push(
    mailRows.length
      ? table([say(locale, '邮件', 'Email'), say(locale, '状态', 'State'), say(locale, '原因', 'Reason')], mailRows.map((n) => [n.subject || n.key, badge(n.state === 'failed' ? 'fail' : 'warn', label(locale, n.state)), n.error]))
      : para(say(locale, '无', 'None'), 'muted'),
  );
  blocks.push(heading(say(locale, '账本哈希链头', 'Ledger hash-chain head')));
  blocks.push(table([], [[`seq ${d.head.seq}`, code(d.head.hash)]]));
  blocks.push(footer(anchor));
  return { subject, text: text.join('\n'), html: page(locale, subject, blocks) };
}

function dueText(locale: Locale, o: DigestMail['obligations'][number]): string {
  if (!o.dueDate || o.daysLeft === null) return say(locale, '已全部完成', 'all done');
  if (o.daysLeft < 0) return say(locale, `${o.dueDate}，已逾期 ${-o.daysLeft} 天`, `${o.dueDate}, ${-o.daysLeft} days overdue`);
  return say(locale, `${o.dueDate}，还剩 ${o.daysLeft} 天`, `${o.dueDate}, in ${o.daysLeft} days`);
}
