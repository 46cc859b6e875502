import { say } from '../../lib/i18n.js';
import { badge, DASH, esc, shortHash, when } from './format.js';
import { casesSection, complaintsSection, eventsSection, evidenceSection, notificationsSection, overviewSection, policySection, safetyLogsSection } from './html-sections.js';
import type { PackageData } from './model.js';

/**
 * index.html: one self-contained page in the package's locale. Inline CSS and inline SVG only:
 * no script, no font, no image, nothing fetched, so it opens the same offline, years later, on
 * a reviewer's machine. Nothing on it depends on the moment it was made: "now" is the chain
 * head's time, so the same ledger renders the same bytes.
 */
export function renderIndex(d: PackageData, problems: string[]): string {
  const l = d.locale;
  const title = say(l, `合规档案包：${d.service.name}（${d.window.from} 至 ${d.window.to}）`, `Review package: ${d.service.name} (${d.window.from} to ${d.window.to})`);
  const body = [
    header(d, title),
    problemsBox(d, problems),
    serviceSection(d),
    overviewSection(d),
    safetyLogsSection(d),
    casesSection(d),
    policySection(d),
    complaintsSection(d),
    notificationsSection(d),
    eventsSection(d),
    evidenceSection(d),
    footer(d),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="${l === 'en' ? 'en' : 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function header(d: PackageData, title: string): string {
  const l = d.locale;
  const facts: Array<[string, string]> = [
    [say(l, '服务', 'Service'), `${esc(d.service.name)} <code>${esc(d.service.id)}</code>`],
    [d.service.filing.kind === 'registration' ? say(l, '登记编号', 'Registration number') : say(l, '备案号', 'Filing number'), esc(d.service.filing.number)],
    [say(l, '备案通过日期', 'Approved on'), esc(d.service.filing.approvedOn ?? DASH)],
    [say(l, '覆盖期间', 'Window'), esc(say(l, `${d.window.from} 至 ${d.window.to}（${d.window.months.length} 个月，时区 ${d.timezone}）`, `${d.window.from} to ${d.window.to} (${d.window.months.length} months, time zone ${d.timezone})`))],
    [
      say(l, '账本状态', 'Ledger as of'),
      d.head.seq > 0
        ? esc(say(l, `链头 seq ${d.head.seq}，记录于 ${when(d.head.at, d.timezone)}`, `chain head seq ${d.head.seq}, recorded ${when(d.head.at, d.timezone)}`)) + ` <code title="${esc(d.head.hash)}">${esc(shortHash(d.head.hash))}</code>`
        : esc(say(l, '账本为空', 'the ledger is empty')),
    ],
  ];
  return `<header>
<h1>${esc(title)}</h1>
<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>
${atAGlance(d)}
</header>`;
}

function atAGlance(d: PackageData): string {
  const l = d.locale;
  const months = d.safetyLogs.flatMap((s) => s.months);
  const count = (pred: (m: (typeof months)[number]) => boolean) => months.filter(pred).length;
  const missing = count((m) => m.state === 'missing');
  const open = d.cases.filter((c) => c.state !== 'resolved').length;
  const items = [
    say(l, `运营日志：${count((m) => m.state === 'present')} 个月有结果，${missing} 个月缺失，${count((m) => m.run?.result.status === 'fail')} 个月不合格`, `Safety logs: ${count((m) => m.state === 'present')} months with results, ${missing} missing, ${count((m) => m.run?.result.status === 'fail')} failed`),
    say(l, `案件：${d.cases.length} 件，其中 ${open} 件未关闭`, `Cases: ${d.cases.length}, ${open} not closed`),
    say(l, `通知：${d.notifications.filter((n) => n.state === 'sent').length} 封已发送`, `Notifications: ${d.notifications.filter((n) => n.state === 'sent').length} sent`),
    say(l, `证据文件：${d.evidence.length} 个`, `Evidence files: ${d.evidence.length}`),
  ];
  const cls = missing > 0 ? 'glance warn-box' : 'glance';
  return `<ul class="${cls}">${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
}

function problemsBox(d: PackageData, problems: string[]): string {
  if (!problems.length) return '';
  const l = d.locale;
  return `<section class="problems" id="problems">
<h2>${esc(say(l, '导出时发现的不一致', 'Mismatches found while exporting'))}</h2>
<p>${esc(say(l, '以下问题在生成本档案包时发现，已如实记录；请用 dossier verify 检查服务器上的账本与证据库。', 'These were found while this package was made and are recorded as found; check the ledger and archive on the server with dossier verify.'))}</p>
<ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>
</section>`;
}

function serviceSection(d: PackageData): string {
  const l = d.locale;
  const rule = (r: string) => {
    const m = /^(year|quarter|month):(.+)$/.exec(r);
    if (!m) return say(l, `${r}（一次性）`, `${r} (once)`);
    const every = { year: say(l, '每年', 'every year'), quarter: say(l, '每季度', 'every quarter'), month: say(l, '每月', 'every month') }[m[1] as 'year'];
    return say(l, `${every}，自 ${m[2]} 起`, `${every} from ${m[2]}`);
  };
  const rows = d.obligations.map(
    (o) => `<tr><td><code>${esc(o.id)}</code></td><td>${esc(o.title)}</td><td>${esc(rule(o.rule))}</td><td>${esc(o.next ?? say(l, '已过期（无后续日期）', 'passed (no later date)'))}</td></tr>`,
  );
  const checks = d.checks.map(
    (c) => `<tr><td><code>${esc(c.id)}</code></td><td>${esc(c.type)}</td><td><code>${esc(c.cron ?? DASH)}</code></td><td>${c.configured ? esc(say(l, '配置中', 'configured')) : esc(say(l, '已不在配置中（仅有历史记录）', 'no longer configured (history only)'))}</td></tr>`,
  );
  return `<section id="service">
<h2>${esc(say(l, '服务、备案与义务', 'Service, filing and obligations'))}</h2>
${
  rows.length
    ? `<table><thead><tr><th>${esc(say(l, '义务', 'Obligation'))}</th><th>${esc(say(l, '名称', 'Title'))}</th><th>${esc(say(l, '日期规则', 'Due'))}</th><th>${esc(say(l, '下一个到期日', 'Next due date'))}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
    : `<p class="nodata">${esc(say(l, '未配置义务', 'No obligations configured'))}</p>`
}
<h3>${esc(say(l, '检查项', 'Checks'))}</h3>
${checks.length ? `<table><thead><tr><th>${esc(say(l, '检查', 'Check'))}</th><th>${esc(say(l, '类型', 'Type'))}</th><th>cron</th><th>${esc(say(l, '状态', 'State'))}</th></tr></thead><tbody>${checks.join('')}</tbody></table>` : `<p class="nodata">${esc(say(l, '无数据', 'No data'))}</p>`}
</section>`;
}

function footer(d: PackageData): string {
  const l = d.locale;
  return `<footer>
<p>${esc(say(l, '如何校验本档案包：见 VERIFY.md。简言之：解压后运行 sha256sum -c SHA256SUMS；或运行 npx dossier verify --package 档案包.zip，它还会逐行核对 ledger.jsonl 的哈希链。', 'How to check this package: see VERIFY.md. In short: unzip and run sha256sum -c SHA256SUMS; or run npx dossier verify --package PACKAGE.zip, which also checks the hash chain of ledger.jsonl row by row.'))}</p>
<p>${badge(l, 'pass')} ${badge(l, 'warn')} ${badge(l, 'fail')} ${badge(l, 'inconclusive')} ${badge(l, 'missing')} ${badge(l, 'future')}</p>
</footer>`;
}

const CSS = `
:root{--ink:#1d2430;--muted:#5b6675;--line:#d8dde4;--pass:#1f7a3d;--warn:#9a6700;--fail:#b42318;--miss:#fde2e2;--future:#eef1f5}
*{box-sizing:border-box}
body{font:14px/1.55 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",system-ui,sans-serif;color:var(--ink);margin:0 auto;max-width:1100px;padding:24px}
h1{font-size:22px;margin:0 0 12px}h2{font-size:18px;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}h3{font-size:15px;margin:20px 0 6px}
code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f3f5f8;padding:1px 4px;border-radius:3px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.missing td{background:var(--miss)}tr.missing td:first-child{border-left:4px solid var(--fail)}
tr.future td{background:var(--future);color:var(--muted)}
tr.partial td{font-style:italic}
tr.st-fail td:first-child,tr.st-inconclusive td:first-child{border-left:4px solid var(--fail)}tr.st-warn td:first-child{border-left:4px solid var(--warn)}
td.cell-missing{background:var(--miss)}td.cell-future{background:var(--future)}
table.overview th,table.overview td{padding:3px 4px;white-space:nowrap;font-size:12px}table.overview code{word-break:normal}
.badge{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;border:1px solid currentColor;white-space:nowrap}
.s-pass{color:var(--pass)}.s-warn{color:var(--warn)}.s-fail,.s-error,.s-failed{color:var(--fail)}.s-inconclusive{color:#6941c6}
.s-missing{color:var(--fail);background:var(--miss)}.s-future,.s-pending{color:var(--muted)}.s-open{color:var(--fail)}.s-acknowledged{color:var(--warn)}.s-resolved,.s-sent{color:var(--pass)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px}dt{color:var(--muted)}dd{margin:0}
ul.glance{background:#f3f5f8;border-radius:6px;padding:8px 8px 8px 28px}ul.warn-box{background:var(--miss)}
section.problems{border:2px solid var(--fail);border-radius:6px;padding:0 16px;margin:16px 0;background:#fff5f5}
.nodata{color:var(--muted);font-style:italic}
.muted{color:var(--muted)}
svg.chart{max-width:100%;height:auto;display:block;margin:8px 0}
svg .grid{stroke:#e6e9ee}svg .axis-line{stroke:#98a2b3}svg .axis,svg .legend{font-size:11px;fill:var(--muted)}
svg .bar,svg .bar-key{fill:#9db4d3}svg .line,svg .line-key{fill:none;stroke:#1d4ed8;stroke-width:2}svg .dot{fill:#1d4ed8}
svg .threshold{stroke-dasharray:6 4;stroke-width:1.5}svg .threshold-warn{stroke:var(--warn)}svg .threshold-fail{stroke:var(--fail)}
svg .threshold-label{font-size:11px}svg .threshold-warn-label{fill:var(--warn)}svg .threshold-fail-label{fill:var(--fail)}
svg .band-missing{fill:var(--miss)}svg .band-future{fill:var(--future)}svg .band-label{font-size:11px;font-weight:600}svg .band-missing-label{fill:var(--fail)}svg .band-future-label{fill:var(--muted)}
footer{margin-top:40px;padding-top:8px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
@media print{body{max-width:none;padding:0}section{break-inside:avoid-page}}
`;
