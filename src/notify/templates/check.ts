import { say, type Locale } from '../../lib/i18n.js';
import type { Severity } from '../../lib/result.js';
import { badge, footer, heading, list, page, para, table } from './html.js';
import { label } from './labels.js';
import type { Rendered } from './types.js';

/** A case that needs someone to act: a feature change to file, a complaint running late. */
export interface CaseMail {
  kind: 'opened' | 'overdue';
  checkId: string;
  checkType: string;
  serviceId: string;
  serviceName: string;
  filingNumber: string;
  caseId: string;
  code: string;
  message: string;
  firstSeen?: string;
  deadline?: string;
  /** What has to be done: change-filing, security-assessment, respond. */
  actions: string[];
  escalated: boolean;
}

/** A run that is not OK and opened no case: a threshold breach, a stale library, a broken source. */
export interface CheckResultMail {
  checkId: string;
  checkType: string;
  serviceName: string;
  period: string;
  status: 'warn' | 'fail' | 'inconclusive';
  summary: string;
  findings: Array<{ severity: Severity; code: string; message: string }>;
  runId: string;
  evidence: string[];
}

const ACTIONS: Record<string, [string, string]> = {
  'change-filing': ['提交变更备案（算法推荐管理规定第二十四条：变更之日起 10 个工作日内）', 'File a change filing (algorithm rules Art. 24: within 10 working days of the change)'],
  'security-assessment': ['新增面向公众的功能：上线前完成安全评估', 'A new public-facing feature: complete a security assessment before launch'],
  respond: ['在期限内答复并处理该投诉，并在台账中记录答复时间', 'Answer and handle the complaint within the limit, and record the response time in the ledger'],
};

export function renderCase(d: CaseMail, locale: Locale): Rendered {
  const subject =
    d.kind === 'opened'
      ? say(locale, `需处理：${d.message}${d.deadline ? `（截止 ${d.deadline}）` : ''}`, `Action needed: ${d.message}${d.deadline ? ` (due ${d.deadline})` : ''}`)
      : say(locale, `已逾期：${d.message}（截止日 ${d.deadline ?? '—'}）`, `Overdue: ${d.message} (was due ${d.deadline ?? '—'})`);
  const lead =
    d.kind === 'opened'
      ? say(locale, `检查 ${d.checkId} 发现一项需要处理的事项（${d.serviceName}，备案号 ${d.filingNumber}）。`, `Check ${d.checkId} found something that needs action (${d.serviceName}, filing ${d.filingNumber}).`)
      : say(locale, `以下事项已超过截止日期仍未解决（${d.serviceName}，备案号 ${d.filingNumber}）。`, `This case is past its deadline and still open (${d.serviceName}, filing ${d.filingNumber}).`);
  const facts: Array<[string, string]> = [
    [say(locale, '事项', 'Case'), d.message],
    [say(locale, '首次发现', 'First seen'), d.firstSeen ?? '—'],
    [say(locale, '截止日期', 'Deadline'), d.deadline ?? '—'],
    [say(locale, '编号', 'Case id'), d.caseId],
  ];
  const todo = d.actions.map((a) => (ACTIONS[a] ? say(locale, ...ACTIONS[a]) : a));
  const ack = `dossier ack ${d.caseId} --note "…"`;
  const closing =
    d.checkType === 'feature-changes'
      ? say(locale, `变更备案完成后：dossier baseline accept ${d.serviceId} --ref <备案编号>`, `Once the change is filed: dossier baseline accept ${d.serviceId} --ref <filing reference>`)
      : say(locale, `确认已知悉：${ack}`, `To acknowledge: ${ack}`);
  const escalation = d.escalated ? say(locale, '本邮件已抄送升级联系人。', 'The escalation contacts are copied.') : undefined;
  const text = [
    lead,
    ...(escalation ? [escalation] : []),
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    ...(todo.length ? [say(locale, '需要做的：', 'To do:'), ...todo.map((t) => `- ${t}`), ''] : []),
    closing,
  ].join('\n');
  const html = page(locale, subject, [
    para(lead, d.kind === 'overdue' ? 'alert' : 'normal'),
    ...(escalation ? [para(escalation, 'muted')] : []),
    table([], facts.map(([k, v]) => [k, v])),
    ...(todo.length ? [heading(say(locale, '需要做的', 'To do')), list(todo)] : []),
    footer(closing),
  ]);
  return { subject, text, html };
}

export function renderCheckResult(d: CheckResultMail, locale: Locale): Rendered {
  const subject = say(locale, `${label(locale, d.status)}：${d.checkId}（${d.period}）`, `${label(locale, d.status)}: ${d.checkId} (${d.period})`);
  const lead =
    d.status === 'inconclusive'
      ? say(locale, `检查 ${d.checkId} 未能得出结论：数据源缺失或无法读取，或多次重试后仍失败。请尽快修复，否则该期间没有合规证据。`, `Check ${d.checkId} could not decide: a source is missing or unreadable, or it kept failing. Fix it soon, or this period has no compliance evidence.`)
      : say(locale, `检查 ${d.checkId}（${d.serviceName}）在 ${d.period} 的结果为「${label(locale, d.status)}」。`, `Check ${d.checkId} (${d.serviceName}) for ${d.period}: ${label(locale, d.status)}.`);
  const rows = d.findings.map((f) => [f.severity, f.code, f.message]);
  const text = [
    lead,
    '',
    d.summary,
    '',
    ...d.findings.map((f) => `[${f.severity}] ${f.code}: ${f.message}`),
    '',
    say(locale, `运行编号 ${d.runId}；证据：`, `Run ${d.runId}; evidence:`),
    ...d.evidence.map((e) => `  ${e}`),
  ].join('\n');
  const html = page(locale, subject, [
    para(lead, d.status === 'warn' ? 'normal' : 'alert'),
    para(d.summary),
    ...(rows.length ? [table([say(locale, '级别', 'Severity'), say(locale, '代码', 'Code'), say(locale, '说明', 'Finding')], rows.map(([s, c, m]) => [badge(s!, label(locale, s!)), c!, m!]))] : []),
    heading(say(locale, '证据', 'Evidence')),
    list(d.evidence.length ? d.evidence : ['—']),
    footer(say(locale, `运行编号 ${d.runId}；详情：dossier history --check ${d.checkId}`, `Run ${d.runId}; details: dossier history --check ${d.checkId}`)),
  ]);
  return { subject, text, html };
}
