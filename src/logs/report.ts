import { say, type Locale } from '../lib/i18n.js';
import type { Finding, Status } from '../lib/result.js';

/**
 * `report.md`: the month's safety-log collection as a reviewer reads it, in the configured
 * locale. Everything here comes from the metrics (counts, category names, file facts, sample
 * reasons), which are masked already; no event content is ever quoted.
 */

export interface SafetyLogMetrics {
  total: number;
  passed: number;
  blocked: number;
  reviewed: number;
  malformed: number;
  violationRate: number;
  byCategory: Record<string, { total: number; blocked: number }>;
  byDay: Record<string, { total: number; blocked: number }>;
  files: Array<{ path: string; name: string; format: string; gzip: boolean; bytes: number; lines: number; sha256: string; error?: string }>;
  lines: number;
  outsidePeriod: number;
  malformedSamples: string[];
  eventsArchived: number;
  thresholds: { warn: number; fail: number };
}

export interface ReportInput {
  locale: Locale;
  service: { id: string; name: string; filingNumber: string };
  check: string;
  period: { key: string; start: string; end: string };
  scheduledAt: string;
  zone: string;
  status: Status;
  summary: string;
  metrics: SafetyLogMetrics;
  findings: Finding[];
  masked: boolean;
  patterns: string[];
}

const STATUS: Record<Status, [string, string]> = {
  pass: ['通过', 'pass'],
  warn: ['警告', 'warn'],
  fail: ['不合格', 'fail'],
  inconclusive: ['无法判定', 'inconclusive'],
};

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}

export function renderReport(r: ReportInput): string {
  const l = r.locale;
  const m = r.metrics;
  const s = (zh: string, en: string) => say(l, zh, en);
  const n = (x: number) => x.toLocaleString('en');
  const out: string[] = [];
  out.push(`# ${s('安全日志月度归集报告', 'Monthly safety-log collection')}: ${r.period.key}`, '');
  out.push(
    `- ${s('服务', 'Service')}: ${cell(r.service.name)} (\`${r.service.id}\`), ${s('备案号', 'filing number')} ${cell(r.service.filingNumber)}`,
    `- ${s('检查', 'Check')}: \`${r.check}\`, ${s('计划时间', 'scheduled at')} ${r.scheduledAt}`,
    `- ${s('统计期间', 'Period')}: ${r.period.start} – ${r.period.end} (${r.zone})`,
    `- ${s('结论', 'Status')}: **${s(...STATUS[r.status])}**${s('。', '. ')}${r.summary}`,
    '',
  );

  out.push(`## ${s('汇总', 'Totals')}`, '', `| ${s('指标', 'Measure')} | ${s('数值', 'Value')} |`, '|---|---:|');
  out.push(
    `| ${s('期间内事件', 'Events in the period')} | ${n(m.total)} |`,
    `| ${s('放行', 'Passed')} | ${n(m.passed)} |`,
    `| ${s('拦截', 'Blocked')} | ${n(m.blocked)} |`,
    `| ${s('人工复核', 'Sent to review')} | ${n(m.reviewed)} |`,
    `| ${s('违规率（拦截 / 总数）', 'Violation rate (blocked / total)')} | ${percent(m.violationRate)} |`,
    `| ${s('警告线 / 不合格线', 'Warn / fail above')} | ${percent(m.thresholds.warn)} / ${percent(m.thresholds.fail)} |`,
    `| ${s('读取的数据行', 'Data lines read')} | ${n(m.lines)} |`,
    `| ${s('期间外的事件', 'Events outside the period')} | ${n(m.outsidePeriod)} |`,
    `| ${s('无法解析的行', 'Malformed lines')} | ${n(m.malformed)} |`,
    '',
  );

  if (r.findings.length) {
    out.push(`## ${s('发现', 'Findings')}`, '');
    for (const f of r.findings) out.push(`- **${f.severity}** \`${f.code}\`: ${cell(f.message)}`);
    out.push('');
  }

  const categories = Object.entries(m.byCategory).sort((a, b) => b[1].blocked - a[1].blocked || b[1].total - a[1].total || a[0].localeCompare(b[0]));
  if (categories.length) {
    out.push(`## ${s('违规类别（按拦截数）', 'Categories (by blocked events)')}`, '');
    out.push(`| ${s('类别', 'Category')} | ${s('事件', 'Events')} | ${s('拦截', 'Blocked')} | ${s('占全部拦截', 'Share of blocked')} |`, '|---|---:|---:|---:|');
    for (const [name, c] of categories.slice(0, 20)) {
      out.push(`| ${cell(name)} | ${n(c.total)} | ${n(c.blocked)} | ${m.blocked ? percent(c.blocked / m.blocked) : '–'} |`);
    }
    if (categories.length > 20) out.push('', s(`另有 ${categories.length - 20} 个类别，见 summary.json。`, `${categories.length - 20} more categories in summary.json.`));
    out.push('');
  }

  out.push(`## ${s('每日明细', 'By day')}`, '', `| ${s('日期', 'Date')} | ${s('事件', 'Events')} | ${s('拦截', 'Blocked')} | ${s('违规率', 'Rate')} |`, '|---|---:|---:|---:|');
  for (const [day, d] of Object.entries(m.byDay)) out.push(`| ${day} | ${n(d.total)} | ${n(d.blocked)} | ${d.total ? percent(d.blocked / d.total) : '–'} |`);
  out.push('');

  out.push(`## ${s('来源文件', 'Source files')}`, '');
  if (!m.files.length) out.push(s(`没有文件匹配 ${r.patterns.map((p) => `\`${p}\``).join('、')}。`, `No file matches ${r.patterns.map((p) => `\`${p}\``).join(', ')}.`));
  else {
    out.push(`| ${s('文件', 'File')} | ${s('格式', 'Format')} | ${s('字节', 'Bytes')} | ${s('数据行', 'Lines')} | SHA-256 | ${s('状态', 'State')} |`, '|---|---|---:|---:|---|---|');
    for (const f of m.files) {
      const state = f.error ? `${s('读取中断', 'incomplete')}: ${cell(f.error)}` : s('完整读取', 'read in full');
      out.push(`| ${cell(f.name)} | ${f.format}${f.gzip ? ' (gzip)' : ''} | ${n(f.bytes)} | ${n(f.lines)} | \`${f.sha256}\` | ${state} |`);
    }
  }
  out.push('');

  if (m.malformedSamples.length) {
    out.push(`## ${s('无法解析的行（样例）', 'Malformed lines (samples)')}`, '');
    for (const sample of m.malformedSamples) out.push(`- ${cell(sample)}`);
    if (m.malformed > m.malformedSamples.length) out.push(s(`- …共 ${n(m.malformed)} 行`, `- … ${n(m.malformed)} in all`));
    out.push('');
  }

  out.push(`## ${s('说明', 'Notes')}`, '');
  out.push(
    r.masked
      ? s(
          `- \`events.jsonl.gz\` 保存本期 ${n(m.eventsArchived)} 条事件，手机号、身份证号和邮箱已脱敏。`,
          `- \`events.jsonl.gz\` holds the period's ${n(m.eventsArchived)} events, with mobile numbers, resident ID numbers and email addresses masked.`,
        )
      : s(
          `- \`events.jsonl.gz\` 保存本期 ${n(m.eventsArchived)} 条事件，按配置（maskPersonalData: false）未脱敏。`,
          `- \`events.jsonl.gz\` holds the period's ${n(m.eventsArchived)} events, not masked (maskPersonalData: false).`,
        ),
    s(`- 不带时区偏移的 ISO 时间按 ${r.zone} 解读。`, `- ISO timestamps without an offset are read in ${r.zone}.`),
    s('- 文件的 SHA-256 针对原始文件（含压缩）计算，可用 `sha256sum` 复核。', '- File SHA-256 sums are of the raw files as stored (compressed if they are); check them with `sha256sum`.'),
    '',
  );
  return out.join('\n');
}

/** Text for a Markdown table cell or list item: no pipes or line breaks that would break the layout. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}
