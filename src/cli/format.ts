import { say, type Locale } from '../lib/i18n.js';
import { stateLabel } from '../lib/labels.js';
import type { Result } from '../lib/result.js';

/** `fail 不合格` in zh-CN (the machine word stays, for grep), `fail` in en. */
export function statusLabel(locale: Locale, status: string): string {
  return locale === 'en' ? status : `${status} ${stateLabel(locale, status)}`;
}

/** A Result for a terminal: status line, summary, findings, evidence. */
export function formatResult(locale: Locale, r: Result): string {
  const lines = [
    `${r.check} ${r.period.key}: ${statusLabel(locale, r.status)}`,
    `  ${r.summary}`,
    `  ${say(locale, '运行', 'run')} ${r.runId} · ${say(locale, '计划时间', 'scheduled')} ${r.scheduledAt} · ${say(locale, '第', 'attempt ')}${r.attempt}${say(locale, ' 次尝试', '')}`,
  ];
  for (const f of r.findings) lines.push(`  [${f.severity}] ${f.code}: ${f.message}${f.deadline ? ` (${say(locale, '截止', 'due')} ${f.deadline})` : ''}`);
  if (r.evidence.length) {
    lines.push(`  ${say(locale, '证据', 'evidence')}:`);
    for (const e of r.evidence) lines.push(`    ${e.path}  ${e.sha256.slice(0, 12)}…  ${e.bytes} B`);
  }
  return lines.join('\n');
}

/** Exit code of a command that ran a check: 0 unless what it checked is not OK. */
export function exitCodeFor(r: Pick<Result, 'status'>): number {
  return r.status === 'fail' || r.status === 'inconclusive' ? 1 : 0;
}
