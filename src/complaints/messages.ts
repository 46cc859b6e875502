import { say, type Locale } from '../lib/i18n.js';
import type { WindowMetrics } from './sla.js';

/** Human texts of complaint-sla (zh-CN and en). */

export interface ComplaintFacts {
  id: string;
  channel: string;
  category: string;
  /** Local time of receipt, `YYYY-MM-DD HH:mm`. */
  received: string;
}

export function complaintTitle(locale: Locale, c: ComplaintFacts): string {
  return say(locale, `投诉 ${c.id}（${c.channel} / ${c.category}，${c.received} 收到）`, `Complaint ${c.id} (${c.channel} / ${c.category}, received ${c.received})`);
}

export function unansweredMessage(
  locale: Locale,
  title: string,
  t: { deadline: string; used: number; limit: number; overdue: boolean; daysOverdue: number; acknowledgedBy?: string },
): string {
  const state = t.overdue
    ? say(locale, `尚未答复，已超过答复期限 ${t.deadline}（逾期 ${t.daysOverdue} 天）`, `not answered; the response was due by ${t.deadline} (${t.daysOverdue} days overdue)`)
    : say(locale, `尚未答复，已用 ${t.used}/${t.limit} 个工作日，须在 ${t.deadline} 前答复`, `not answered; ${t.used} of ${t.limit} working days used, answer by ${t.deadline}`);
  const ack = t.acknowledgedBy ? say(locale, `（${t.acknowledgedBy} 已确认）`, ` (acknowledged by ${t.acknowledgedBy})`) : '';
  return say(locale, `${title}${state}${ack}`, `${title}: ${state}${ack}`);
}

export function lateMessage(locale: Locale, ids: string[], limit: number): string {
  const list = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ' …' : '');
  return say(
    locale,
    `本月答复的投诉中有 ${ids.length} 件超过 ${limit} 个工作日才答复：${list}`,
    `${ids.length} complaint(s) answered this month took longer than ${limit} working days: ${list}`,
  );
}

export function malformedMessage(locale: Locale, n: number, rows: number, samples: string[]): string {
  return say(
    locale,
    `投诉台账中有 ${n}/${rows} 行无法读取，未计入统计（如 ${samples.slice(0, 3).join('；')}）；修复前不会因投诉从台账中消失而关闭任何案件`,
    `${n} of ${rows} rows of the complaint ledger could not be read and are not counted (e.g. ${samples.slice(0, 3).join('; ')}); until they are fixed, no case is closed because its complaint is missing from the ledger`,
  );
}

export function keptMessage(locale: Locale, ids: string[]): string {
  const list = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ' …' : '');
  return say(
    locale,
    `${ids.length} 个投诉案件保持未结：其投诉在台账中已找不到或所在行无法读取，无法确认是否已答复（${list}）；请修复台账中无法读取的行`,
    `${ids.length} complaint case(s) kept open: the complaint is missing from the ledger or its row cannot be read, so whether it was answered is unknown (${list}); fix the unreadable rows of the ledger`,
  );
}

function pct(x: number | null): string {
  return x === null ? '—' : `${(Math.round(x * 1000) / 10).toString()}%`;
}

export function slaSummary(locale: Locale, m: WindowMetrics, asOf: string, open: { total: number; near: number; overdue: number }): string {
  const times =
    m.responseWorkingDays.count > 0
      ? say(locale, `答复用时中位 ${m.responseWorkingDays.median}、P95 ${m.responseWorkingDays.p95} 个工作日`, `response median ${m.responseWorkingDays.median}, p95 ${m.responseWorkingDays.p95} working days`)
      : say(locale, '暂无已答复投诉', 'none answered yet');
  return say(
    locale,
    `本月截至 ${asOf} 收到投诉 ${m.received} 件，已答复 ${m.responded} 件，${times}，按时答复率 ${pct(m.compliance)}；待答复 ${open.total} 件（临近期限 ${open.near}，逾期 ${open.overdue}）`,
    `This month up to ${asOf}: ${m.received} complaints received, ${m.responded} answered, ${times}, answered in time ${pct(m.compliance)}; ${open.total} open (${open.near} near the limit, ${open.overdue} overdue)`,
  );
}
