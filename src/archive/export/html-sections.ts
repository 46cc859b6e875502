import { posix } from 'node:path';
import { say } from '../../lib/i18n.js';
import type { EvidenceRef } from '../../lib/result.js';
import { runsByMonth } from './gather-sections.js';
import { badge, DASH, esc, int, pct, statusText, when, worst } from './format.js';
import { EVIDENCE_DIR } from './manifest.js';
import type { FinalRun, PackageData } from './model.js';
import { monthChart } from './svg.js';
import { addMonths } from './window.js';

/** The page's sections, one function each; every section says "no data" rather than vanish. */

function table(head: string[], rows: string[], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function noData(d: PackageData, what?: string): string {
  return `<p class="nodata">${esc(what ?? say(d.locale, '无数据', 'No data'))}</p>`;
}

function evidenceLinks(refs: EvidenceRef[]): string {
  return refs
    .filter((r) => posix.basename(r.path) !== 'manifest.json')
    .map((r) => `<a href="${esc(EVIDENCE_DIR + r.path)}">${esc(posix.basename(r.path))}</a>`)
    .join(' ');
}

export function overviewSection(d: PackageData): string {
  const l = d.locale;
  const rows = d.checks.map((check) => {
    const byMonth = runsByMonth(check);
    const cells = d.window.months.map((m) => {
      const runs = byMonth.get(m) ?? [];
      if (!runs.length) {
        return d.dueMonths.has(m) ? `<td class="cell-missing">${badge(l, 'missing')}</td>` : `<td class="cell-future muted">·</td>`;
      }
      const w = worst(runs.map((r) => r.result.status)) ?? 'inconclusive';
      return `<td>${badge(l, w)}${runs.length > 1 ? ` <span class="muted">×${runs.length}</span>` : ''}</td>`;
    });
    return `<tr><td><code>${esc(check.id)}</code></td>${cells.join('')}</tr>`;
  });
  return `<section id="overview">
<h2>${esc(say(l, '各项检查逐月概览', 'Every check, month by month'))}</h2>
<p class="muted">${esc(say(l, '每格为该月最终结果中最差的状态（×N 为该月的结果数）；“缺失”表示该月已结束却没有任何结果。', 'Each cell is the worst status among the month\'s final results (×N: number of results); "missing" means the month has ended without any result.'))}</p>
${rows.length ? table([say(l, '检查', 'Check'), ...d.window.months], rows, 'overview') : noData(d)}
</section>`;
}

export function safetyLogsSection(d: PackageData): string {
  const l = d.locale;
  const parts = d.safetyLogs.map((s) => {
    const chart = monthChart({
      title: say(l, `${s.check}：每月事件量与违规率`, `${s.check}: monthly volume and violation rate`),
      months: s.months.map((m) => m.month),
      bars: { label: say(l, '事件总数', 'events'), values: s.months.map((m) => m.total), format: int },
      line: { label: say(l, '违规率（拦截/总数）', 'violation rate (blocked/total)'), values: s.months.map((m) => m.violationRate), format: (n) => pct(n, n < 0.1 ? 2 : 1) },
      thresholds: [
        { kind: 'warn', value: s.thresholds.warn, label: say(l, `警告阈值 ${pct(s.thresholds.warn)}`, `warn threshold ${pct(s.thresholds.warn)}`) },
        { kind: 'fail', value: s.thresholds.fail, label: say(l, `不合格阈值 ${pct(s.thresholds.fail)}`, `fail threshold ${pct(s.thresholds.fail)}`) },
      ],
      marks: s.months.map((m) => (m.state === 'present' ? undefined : { kind: m.state, label: statusText(l, m.state) })),
    });
    const head = [
      say(l, '月份', 'Month'), say(l, '状态', 'Status'), say(l, '事件总数', 'Total'), say(l, '通过', 'Passed'), say(l, '拦截', 'Blocked'),
      say(l, '人工复核', 'Reviewed'), say(l, '无法解析', 'Malformed'), say(l, '违规率', 'Violation rate'), say(l, '尝试次数', 'Attempts'), say(l, '证据', 'Evidence'),
    ];
    const rows = s.months.map((m) => {
      if (m.state !== 'present') {
        const text =
          m.state === 'missing'
            ? say(l, `缺失：该月没有采集结果（应于 ${addMonths(m.month, 1)}-01 采集）`, `Missing: no result for this month (due to be collected on ${addMonths(m.month, 1)}-01)`)
            : say(l, '尚未到期：该月尚未结束或尚未到采集时间', 'Not yet due: the month has not ended or has not been collected yet');
        return `<tr class="${m.state}" data-month="${m.month}"><td>${m.month}</td><td>${badge(l, m.state)}</td><td colspan="8">${esc(text)}</td></tr>`;
      }
      const r = m.run!.result;
      return `<tr class="present st-${esc(r.status)}" data-month="${m.month}"><td>${m.month}</td><td>${badge(l, r.status)}</td><td class="num">${int(m.total)}</td><td class="num">${int(m.passed)}</td><td class="num">${int(m.blocked)}</td><td class="num">${int(m.reviewed)}</td><td class="num">${int(m.malformed)}</td><td class="num">${pct(m.violationRate)}</td><td class="num">${m.run!.attempts}</td><td>${evidenceLinks(r.evidence ?? [])}</td></tr>`;
    });
    const cats = s.categories.length
      ? table(
          [say(l, '类别', 'Category'), say(l, '事件数', 'Events'), say(l, '拦截', 'Blocked'), say(l, '拦截占比', 'Blocked share')],
          s.categories.map((c) => `<tr><td>${esc(c.category)}</td><td class="num">${int(c.total)}</td><td class="num">${int(c.blocked)}</td><td class="num">${pct(c.total ? c.blocked / c.total : undefined)}</td></tr>`),
        )
      : noData(d);
    return `<h3><code>${esc(s.check)}</code> · ${esc(say(l, `阈值：警告 > ${pct(s.thresholds.warn)}，不合格 > ${pct(s.thresholds.fail)}`, `thresholds: warn > ${pct(s.thresholds.warn)}, fail > ${pct(s.thresholds.fail)}`))}</h3>
${chart}
${table(head, rows, 'months safety-logs')}
<h3>${esc(say(l, '按类别汇总（覆盖期间）', 'By category (whole window)'))}</h3>
${cats}`;
  });
  return `<section id="safety-logs">
<h2>${esc(say(l, '运营日志与风控记录（逐月）', 'Safety logs and risk-control records, month by month'))}</h2>
${parts.length ? parts.join('\n') : noData(d, say(l, '无数据：本服务没有 safety-logs 检查或结果', 'No data: this service has no safety-logs check or result'))}
</section>`;
}

export function casesSection(d: PackageData): string {
  const l = d.locale;
  const typeOf = new Map(d.checks.map((c) => [c.id, c.type]));
  const row = (c: PackageData['cases'][number]) => {
    const r = c.resolution;
    const how = r
      ? [
          r.reason && howText(l, r.reason),
          r.by && say(l, `经办：${r.by}`, `by ${r.by}`),
          when(r.at, d.timezone),
          r.ref && say(l, `备案参考号：${r.ref}`, `filing reference: ${r.ref}`),
          r.note && say(l, `备注：${r.note}`, `note: ${r.note}`),
        ]
          .filter(Boolean)
          .join(' · ')
      : DASH;
    return `<tr class="case st-${c.state === 'resolved' ? 'pass' : 'fail'}"><td><code>${esc(c.caseId)}</code></td><td><code>${esc(c.check)}</code></td><td>${esc(c.code ?? DASH)}</td><td>${esc(c.title ?? DASH)}</td><td>${esc(when(c.firstSeen, d.timezone))}</td><td>${esc(c.deadline ?? DASH)}</td><td>${badge(l, c.state)}</td><td>${esc(how || DASH)}</td></tr>`;
  };
  const head = [say(l, '案件', 'Case'), say(l, '检查', 'Check'), say(l, '类型', 'Code'), say(l, '说明', 'Message'), say(l, '首次发现', 'First seen'), say(l, '截止日期', 'Deadline'), say(l, '状态', 'State'), say(l, '如何关闭', 'How it was closed')];
  const feature = d.cases.filter((c) => typeOf.get(c.check) === 'feature-changes');
  const other = d.cases.filter((c) => typeOf.get(c.check) !== 'feature-changes');
  return `<section id="cases">
<h2>${esc(say(l, '案件及其关闭情况', 'Cases and how each was closed'))}</h2>
<h3>${esc(say(l, '功能变更（未报备的新增功能）', 'Feature changes (not reported)'))}</h3>
${feature.length ? table(head, feature.map(row), 'cases') : noData(d, say(l, '无数据：覆盖期间内没有功能变更案件', 'No data: no feature-change case in the window'))}
<h3>${esc(say(l, '其他案件（投诉处理等）', 'Other cases (complaints and others)'))}</h3>
${other.length ? table(head, other.map(row), 'cases') : noData(d)}
</section>`;
}

export function policySection(d: PackageData): string {
  const l = d.locale;
  const parts = d.policy.map((p) => {
    const marks = p.months.map((m) => (m.runs.length ? undefined : d.dueMonths.has(m.month) ? { kind: 'missing' as const, label: statusText(l, 'missing') } : { kind: 'future' as const, label: statusText(l, 'future') }));
    const chart = monthChart({
      title: say(l, `${p.check}：关键词库最长未更新天数（每月）`, `${p.check}: keyword library, longest time unchanged per month`),
      months: p.months.map((m) => m.month),
      line: { label: say(l, '关键词库未更新天数（月内最大）', 'keyword library days unchanged (month max)'), values: p.months.map((m) => m.keywordUnchangedDaysMax), format: (n) => say(l, `${int(n)} 天`, `${int(n)} d`) },
      thresholds: [
        { kind: 'warn', value: p.keywordDays.warn, label: say(l, `警告 ${p.keywordDays.warn} 天`, `warn ${p.keywordDays.warn} d`) },
        { kind: 'fail', value: p.keywordDays.fail, label: say(l, `不合格 ${p.keywordDays.fail} 天`, `fail ${p.keywordDays.fail} d`) },
      ],
      marks,
    });
    const rows = p.months.map((m) => {
      if (!m.runs.length) {
        const state = d.dueMonths.has(m.month) ? 'missing' : 'future';
        return `<tr class="${state}" data-month="${m.month}"><td>${m.month}</td><td colspan="8">${badge(l, state)}</td></tr>`;
      }
      return `<tr data-month="${m.month}"><td>${m.month}</td><td class="num">${m.runs.length}</td><td>${statusCounts(d, m.runs)}</td><td class="num">${int(m.keywordEntries)}</td><td class="num">${int(m.keywordUnchangedDaysMax)}</td><td class="num">${int(m.refuseEntries)}</td><td class="num">${int(m.answerEntries)}</td><td class="num">${int(m.bankUnchangedDaysMax)}</td><td>${esc(m.last?.result.summary ?? DASH)}</td></tr>`;
    });
    const head = [
      say(l, '月份', 'Month'), say(l, '检查次数', 'Runs'), say(l, '结果', 'Results'), say(l, '关键词库条数', 'Keywords'), say(l, '关键词库未更新天数（最大）', 'Keywords unchanged, days (max)'),
      say(l, '拒答题库条数', 'Should-refuse'), say(l, '非拒答题库条数', 'Should-answer'), say(l, '题库未更新天数（最大）', 'Banks unchanged, days (max)'), say(l, '月末结果摘要', 'Last result'),
    ];
    return `<h3><code>${esc(p.check)}</code></h3>\n${chart}\n${table(head, rows, 'months policy')}`;
  });
  return `<section id="policy-freshness">
<h2>${esc(say(l, '安全策略更新情况（关键词库、测试题库）', 'Safety policies kept current (keyword library, test banks)'))}</h2>
${parts.length ? parts.join('\n') : noData(d, say(l, '无数据：本服务没有 policy-freshness 检查或结果', 'No data: this service has no policy-freshness check or result'))}
</section>`;
}

export function complaintsSection(d: PackageData): string {
  const l = d.locale;
  const figureHead = [
    say(l, '收到', 'Received'), say(l, '已答复', 'Answered'), say(l, '未答复', 'Unanswered'), say(l, '超时答复', 'Answered late'), say(l, '逾期未答复', 'Overdue, unanswered'),
    say(l, '时限达标率', 'Within limit'), say(l, '答复用时中位数（工作日）', 'Response, median (working days)'), say(l, '答复用时 P95（工作日）', 'Response, p95 (working days)'),
  ];
  const parts = d.complaints.map((c) => {
    const rows = c.months.map((m) => {
      const f = m.figures;
      if (!f || !m.source) {
        const state = d.dueMonths.has(m.month) ? 'missing' : 'future';
        return `<tr class="${state}" data-month="${m.month}"><td>${m.month}</td><td colspan="${3 + figureHead.length}">${badge(l, state)}</td></tr>`;
      }
      const w = worst(m.runs.map((r) => r.result.status));
      const figures = [int(f.received), int(f.responded), int(f.open), int(f.late), int(f.overdueOpen), pct(f.compliance, 1), int(f.medianDays), int(f.p95Days)];
      const asOf = when(m.source.asOf, d.timezone);
      const source =
        m.source.kind === 'complete'
          ? say(l, `完整月份：取自 ${m.source.run.result.period.key} 的检查（截至 ${asOf}）`, `complete month: from the check of ${m.source.run.result.period.key} (as of ${asOf})`)
          : say(l, `不完整：该月截至 ${asOf} 的数据（该月最后一次检查；下月首次检查尚无记录）`, `partial: the month up to ${asOf} (its last check; no check of the next month yet)`);
      return `<tr class="${m.source.kind}" data-month="${m.month}" data-source="${m.source.kind}"><td>${m.month}</td><td class="num">${m.runs.length}</td><td>${w ? badge(l, w) : DASH}</td>${figures.map((v) => `<td class="num">${v}</td>`).join('')}<td>${esc(source)} <span class="muted">(seq ${m.source.run.seq})</span></td></tr>`;
    });
    const head = [say(l, '月份', 'Month'), say(l, '检查次数', 'Runs'), say(l, '最差状态', 'Worst status'), ...figureHead, say(l, '数据来源', 'Source')];
    return `<h3><code>${esc(c.check)}</code></h3>\n${table(head, rows, 'months complaints')}`;
  });
  return `<section id="complaint-sla">
<h2>${esc(say(l, '用户投诉处理时限（逐月）', 'Complaint handling times, month by month'))}</h2>
<p class="muted">${esc(say(l, '每行是该月收到的投诉。完整月份取自下月首次检查记录的上月数据；尚无该次检查时显示该月截至最后一次检查的数据，并标为不完整。时限达标率 = 按时答复 /（按时答复 + 超时答复 + 逾期未答复）。', 'Each row covers the complaints received in that month. A complete month comes from the previous-month figures recorded by the first check of the next month; until that check exists, the month up to its last check is shown and marked partial. Within limit = answered on time / (on time + late + overdue unanswered).'))}</p>
${parts.length ? parts.join('\n') : noData(d, say(l, '无数据：本服务没有 complaint-sla 检查或结果', 'No data: this service has no complaint-sla check or result'))}
</section>`;
}

export function notificationsSection(d: PackageData): string {
  const l = d.locale;
  const rows = d.notifications.map(
    (n) =>
      `<tr><td>${esc(when(n.createdAt, d.timezone))}</td><td>${esc(when(n.sentAt, d.timezone))}</td><td>${badge(l, n.state)}</td><td>${esc(n.recipients.join(', ') || DASH)}</td><td>${esc(n.subject ?? DASH)}${n.general ? ` <span class="muted">(${esc(say(l, '通用', 'general'))})</span>` : ''}</td><td><code>${esc(n.key)}</code></td></tr>`,
  );
  return `<section id="notifications">
<h2>${esc(say(l, '通知记录（全部）', 'Every notification'))}</h2>
${rows.length ? table([say(l, '生成时间', 'Created'), say(l, '发送时间', 'Sent'), say(l, '状态', 'State'), say(l, '收件人', 'Recipients'), say(l, '主题', 'Subject'), say(l, '通知键', 'Key')], rows, 'notifications') : noData(d)}
</section>`;
}

export function eventsSection(d: PackageData): string {
  const l = d.locale;
  const rows = d.events.map(
    (e) => `<tr><td>${esc(when(e.at, d.timezone))}</td><td>${esc(e.event)}</td><td><code>${esc(e.subject)}</code></td><td>${e.details.map(([k, v]) => `${esc(k)}: ${esc(v)}`).join('<br>')}</td></tr>`,
  );
  return `<section id="events">
<h2>${esc(say(l, '人工操作记录（基线确认、义务完成、确认案件等）', 'Recorded actions (baseline accepted, obligation done, acknowledgements)'))}</h2>
${rows.length ? table([say(l, '时间', 'When'), say(l, '事件', 'Event'), say(l, '对象', 'Subject'), say(l, '详情', 'Details')], rows) : noData(d)}
</section>`;
}

export function evidenceSection(d: PackageData): string {
  const l = d.locale;
  const rows = d.evidence.map(
    (e) => `<tr><td><a href="${esc(EVIDENCE_DIR + e.path)}">${esc(e.path)}</a></td><td class="num">${int(e.bytes)}</td><td><code>${esc(e.sha256)}</code></td><td class="num">${e.seq}</td></tr>`,
  );
  return `<section id="evidence">
<h2>${esc(say(l, '证据文件', 'Evidence files'))}</h2>
<p class="muted">${esc(say(l, '每个文件的 sha256 均记录在账本对应行中（ledger.jsonl，按 seq 查找）。', 'The sha256 of every file is recorded in its ledger row (ledger.jsonl, look it up by seq).'))}</p>
${rows.length ? `<details><summary>${esc(say(l, `${rows.length} 个文件`, `${rows.length} files`))}</summary>${table([say(l, '路径', 'Path'), say(l, '字节', 'Bytes'), 'sha256', say(l, '账本行', 'Ledger row')], rows)}</details>` : noData(d)}
</section>`;
}

function statusCounts(d: PackageData, runs: FinalRun[]): string {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.result.status, (counts.get(r.result.status) ?? 0) + 1);
  return [...counts.entries()].map(([s, n]) => `${badge(d.locale, s)} ${n}`).join(' ');
}

/** CaseResolution.reason values the checks and `baseline accept` write. */
const HOW: Record<string, [string, string]> = {
  'baseline-accepted': ['已确认新基线（变更备案）', 'new baseline accepted (change filed)'],
  reverted: ['变更已撤回，自动关闭', 'the change was reverted; closed by itself'],
  answered: ['投诉已答复', 'the complaint was answered'],
  disappeared: ['投诉已不在台账中', 'the complaint is no longer in the ledger'],
  resolved: ['已处理完毕', 'resolved'],
};

function howText(l: PackageData['locale'], how: string): string {
  const t = HOW[how];
  return t ? say(l, ...t) : how;
}
