import { say, type Locale } from '../../lib/i18n.js';
import type { Readiness } from '../../report/readiness.js';
import { badge, footer, heading, list, page, para, table } from './html.js';
import { label } from './labels.js';
import type { Rendered } from './types.js';

/** What a pre-review reminder or overdue notice says (built by jobs/pre-review.ts). */
export interface PreReviewMail {
  kind: 'reminder' | 'overdue';
  service: string;
  serviceName: string;
  filingNumber: string;
  obligation: { id: string; title: string };
  dueDate: string;
  /** Calendar days from the run's day to the due date; negative when overdue. */
  daysLeft: number;
  /** The lead day this reminder stands for (T-30), for reminders. */
  milestone?: number;
  /** The escalate group is copied. */
  escalated: boolean;
  readiness: Readiness;
}

export function renderPreReview(d: PreReviewMail, locale: Locale): Rendered {
  const t = d.obligation.title;
  const late = -d.daysLeft;
  const subject =
    d.kind === 'overdue'
      ? say(locale, `已逾期 ${late} 天：${t}（应于 ${d.dueDate} 完成）`, `Overdue by ${late} day${late === 1 ? '' : 's'}: ${t} (due ${d.dueDate})`)
      : d.daysLeft === 0
        ? say(locale, `今天到期：${t}（${d.dueDate}）`, `Due today: ${t} (${d.dueDate})`)
        : say(locale, `复审提醒：${t} 还剩 ${d.daysLeft} 天（${d.dueDate} 到期）`, `Reminder: ${t} is due in ${d.daysLeft} day${d.daysLeft === 1 ? '' : 's'} (${d.dueDate})`);
  const lead =
    d.kind === 'overdue'
      ? say(
          locale,
          `${t}（${d.serviceName}，备案号 ${d.filingNumber}）应于 ${d.dueDate} 完成，现已逾期 ${late} 天，且尚未记录完成。`,
          `${t} (${d.serviceName}, filing ${d.filingNumber}) was due on ${d.dueDate} and is ${late} day${late === 1 ? '' : 's'} overdue; no completion has been recorded.`,
        )
      : say(
          locale,
          `${t}（${d.serviceName}，备案号 ${d.filingNumber}）将于 ${d.dueDate} 到期，还剩 ${d.daysLeft} 天。`,
          `${t} (${d.serviceName}, filing ${d.filingNumber}) is due on ${d.dueDate}, in ${d.daysLeft} day${d.daysLeft === 1 ? '' : 's'}.`,
        );
  const escalation = d.escalated
    ? say(locale, '临近或已过截止日期，本邮件已抄送升级联系人。', 'The deadline is close or past, so the escalation contacts are copied.')
    : undefined;
  const doneCmd = `dossier obligation done ${d.service} ${d.obligation.id} --on YYYY-MM-DD`;
  const doneLine = say(locale, `完成后请记录：${doneCmd}`, `When it is done, record it: ${doneCmd}`);
  const r = d.readiness;

  const text = [
    lead,
    ...(escalation ? [escalation] : []),
    '',
    ...readinessText(locale, r),
    '',
    doneLine,
  ].join('\n');

  const html = page(locale, subject, [
    para(lead, d.kind === 'overdue' ? 'alert' : 'normal'),
    ...(escalation ? [para(escalation, 'alert')] : []),
    ...readinessHtml(locale, r),
    footer(doneLine),
  ]);
  return { subject, text, html };
}

function windowTitle(locale: Locale, r: Readiness): string {
  return say(locale, `复审准备情况（${r.window.from} 至 ${r.window.to}）`, `Review readiness (${r.window.from} to ${r.window.to})`);
}

function monthsLine(locale: Locale, r: Readiness): string {
  const c = r.counts;
  return say(
    locale,
    `运营日志：${c.present} 个月齐备，${c.missing} 个月缺失，${c.fail} 个月不合格，${c.upcoming} 个月未到期`,
    `Safety logs: ${c.present} months present, ${c.missing} missing, ${c.fail} failed, ${c.upcoming} not yet due`,
  );
}

function latestLine(locale: Locale, name: [string, string], c: Readiness['policyFreshness']): string {
  const n = say(locale, ...name);
  if (!c) return say(locale, `${n}：未配置检查`, `${n}: no check configured`);
  if (c.status === 'never-run') return say(locale, `${n}：尚未运行`, `${n}: never run`);
  return say(locale, `${n}：${label(locale, c.status)}（${c.period}）`, `${n}: ${label(locale, c.status)} (${c.period})`);
}

const POLICY: [string, string] = ['关键词库与测试题库', 'Keyword library and test banks'];
const COMPLAINTS: [string, string] = ['投诉处理时限', 'Complaint handling'];

export function readinessText(locale: Locale, r: Readiness): string[] {
  const lines = [windowTitle(locale, r), monthsLine(locale, r)];
  lines.push('  ' + r.months.map((m) => `${m.month} ${label(locale, m.state)}`).join(' | '));
  lines.push(latestLine(locale, POLICY, r.policyFreshness), latestLine(locale, COMPLAINTS, r.complaintSla));
  if (r.openCases.length) {
    lines.push(say(locale, `未结案件（${r.openCases.length}）：`, `Open cases (${r.openCases.length}):`));
    for (const c of r.openCases) lines.push(`  - ${c.title}${c.deadline ? say(locale, `（截止 ${c.deadline}）`, ` (due ${c.deadline})`) : ''}`);
  } else {
    lines.push(say(locale, '未结案件：无', 'Open cases: none'));
  }
  lines.push('', say(locale, '待办：', 'To do:'));
  if (r.todo.length) r.todo.forEach((item, i) => lines.push(`  ${i + 1}. ${item}`));
  else lines.push(say(locale, '  无：材料齐备。', '  Nothing: the evidence is complete.'));
  return lines;
}

export function readinessHtml(locale: Locale, r: Readiness): string[] {
  const blocks = [heading(windowTitle(locale, r)), para(monthsLine(locale, r))];
  blocks.push(table([say(locale, '月份', 'Month'), say(locale, '运营日志', 'Safety logs'), say(locale, '检查结果', 'Result')], r.months.map((m) => [m.month, badge(m.state, label(locale, m.state)), m.status ? label(locale, m.status) : '—'])));
  const latestRow = (name: [string, string], c: Readiness['policyFreshness']) => [
    say(locale, ...name),
    c ? badge(c.status === 'never-run' ? 'missing' : c.status, label(locale, c.status)) : badge('missing', say(locale, '未配置', 'not configured')),
    c?.period || '—',
  ];
  blocks.push(table([say(locale, '项目', 'Item'), say(locale, '最近结果', 'Latest'), say(locale, '周期', 'Period')], [latestRow(POLICY, r.policyFreshness), latestRow(COMPLAINTS, r.complaintSla)]));
  blocks.push(heading(say(locale, `未结案件（${r.openCases.length}）`, `Open cases (${r.openCases.length})`)));
  blocks.push(
    r.openCases.length
      ? table([say(locale, '案件', 'Case'), say(locale, '状态', 'State'), say(locale, '截止', 'Deadline')], r.openCases.map((c) => [c.title, label(locale, c.state), c.deadline ?? '—']))
      : para(say(locale, '无', 'None'), 'muted'),
  );
  blocks.push(heading(say(locale, '待办', 'To do')));
  blocks.push(r.todo.length ? list(r.todo, true) : para(say(locale, '无：材料齐备。', 'Nothing: the evidence is complete.'), 'muted'));
  return blocks;
}
