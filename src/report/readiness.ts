import { DateTime } from 'luxon';
import { isMonthEvidenceDue } from '../calendar/month-due.js';
import type { Config } from '../config/normalize.js';
import type { CheckType } from '../config/schema.js';
import type { OpenCase } from '../ledger/open-cases.js';
import { say, type Locale } from '../lib/i18n.js';
import type { Result } from '../lib/result.js';

/**
 * The readiness summary of a review window (spec 4.3): what an inspector will ask for over the
 * 12 months before a due date, read from the ledger. Shared by the pre-review reminder, its
 * Result (`metrics.readiness`) and `dossier status`.
 */

export type MonthState = 'present' | 'missing' | 'fail' | 'upcoming';

export interface MonthEvidence {
  month: string; // YYYY-MM
  state: MonthState;
  /** The recorded status (pass/warn/fail/inconclusive) when there is a result. */
  status?: string;
  runId?: string;
}

export interface LatestCheck {
  check: string;
  status: string;
  period: string;
  scheduledAt: string;
  summary: string;
}

export interface Readiness {
  service: string;
  dueDate: string;
  asOf: string;
  window: { from: string; to: string };
  safetyLogsCheck: string | null;
  months: MonthEvidence[];
  counts: Record<MonthState, number>;
  /** null: no such check configured for the service; status 'never-run' when it has no result yet. */
  policyFreshness: LatestCheck | null;
  complaintSla: LatestCheck | null;
  openCases: OpenCase[];
  /** Plain-words actions, in the configured locale; empty when everything is in place. */
  todo: string[];
  ready: boolean;
}

/** What readiness reads; the handlers' LedgerReader satisfies it. */
export interface ReadinessSource {
  latestResult(check: string, periodKey: string): Promise<Result | undefined>;
  previousResults(check: string, before: string, limit?: number): Promise<Result[]>;
  openCases(service: string): Promise<OpenCase[]>;
}

export const WINDOW_MONTHS = 12;

/** The 12 calendar months before the due date's month, oldest first. */
export function windowMonths(dueDate: string): string[] {
  const dueMonth = DateTime.fromISO(dueDate, { zone: 'UTC' }).startOf('month');
  return Array.from({ length: WINDOW_MONTHS }, (_, i) => dueMonth.minus({ months: WINDOW_MONTHS - i }).toFormat('yyyy-MM'));
}

export async function computeReadiness(
  source: ReadinessSource,
  config: Config,
  serviceId: string,
  dueDate: string,
  asOf: DateTime,
): Promise<Readiness> {
  const zone = config.timezone;
  const at = asOf.setZone(zone);
  const checkOf = (type: CheckType) => config.checks.find((c) => c.service === serviceId && c.type === type && c.enabled) ?? null;
  const safety = checkOf('safety-logs');
  const months: MonthEvidence[] = [];
  for (const month of windowMonths(dueDate)) {
    const result = safety ? await source.latestResult(safety.id, month) : undefined;
    months.push(monthEvidence(month, result, at, zone));
  }
  const counts: Record<MonthState, number> = { present: 0, missing: 0, fail: 0, upcoming: 0 };
  for (const m of months) counts[m.state]++;

  const latest = async (type: CheckType): Promise<LatestCheck | null> => {
    const check = checkOf(type);
    if (!check) return null;
    const [r] = await source.previousResults(check.id, at.plus({ milliseconds: 1 }).toISO()!, 1);
    return r
      ? { check: check.id, status: r.status, period: r.period.key, scheduledAt: r.scheduledAt, summary: r.summary }
      : { check: check.id, status: 'never-run', period: '', scheduledAt: '', summary: '' };
  };
  const policyFreshness = await latest('policy-freshness');
  const complaintSla = await latest('complaint-sla');
  const cases = await source.openCases(serviceId);

  const readiness: Readiness = {
    service: serviceId,
    dueDate,
    asOf: at.toISODate()!,
    window: { from: months[0]!.month, to: months[months.length - 1]!.month },
    safetyLogsCheck: safety?.id ?? null,
    months,
    counts,
    policyFreshness,
    complaintSla,
    openCases: cases,
    todo: [],
    ready: false,
  };
  readiness.todo = todoList(config.locale, readiness);
  readiness.ready = readiness.todo.length === 0;
  return readiness;
}

/**
 * A month with no result is "upcoming" until the day after it ends (its collection runs early
 * on the 1st), "missing" after that: a broken or absent collector is never counted as evidence.
 */
function monthEvidence(month: string, r: Result | undefined, at: DateTime, zone: string): MonthEvidence {
  if (r) {
    const state: MonthState = r.status === 'fail' ? 'fail' : r.status === 'inconclusive' ? 'missing' : 'present';
    return { month, state, status: r.status, runId: r.runId };
  }
  return { month, state: isMonthEvidenceDue(month, at, zone) ? 'missing' : 'upcoming' };
}

function todoList(locale: Locale, r: Readiness): string[] {
  const todo: string[] = [];
  const list = (xs: string[]) => xs.join(say(locale, '、', ', '));
  const missing = r.months.filter((m) => m.state === 'missing').map((m) => m.month);
  const failed = r.months.filter((m) => m.state === 'fail').map((m) => m.month);
  if (!r.safetyLogsCheck) {
    todo.push(say(locale, '配置 safety-logs 检查，按月归集运营日志和风控记录', 'Configure a safety-logs check so operating logs and risk-control records are collected every month'));
  } else if (missing.length) {
    todo.push(
      say(
        locale,
        `补齐 ${list(missing)} 的运营日志归集（dossier run ${r.safetyLogsCheck} --period YYYY-MM）`,
        `Collect the missing safety logs for ${list(missing)} (dossier run ${r.safetyLogsCheck} --period YYYY-MM)`,
      ),
    );
  }
  if (failed.length) {
    todo.push(say(locale, `复核 ${list(failed)} 违规率超标的原因，并准备整改说明`, `Review why the violation rate was too high in ${list(failed)} and prepare the rectification notes`));
  }
  const latest = (c: LatestCheck | null, type: string, what: [string, string], fix: [string, string]) => {
    if (!c) todo.push(say(locale, `配置 ${type} 检查（${what[0]}）`, `Configure a ${type} check (${what[1]})`));
    else if (c.status === 'never-run') todo.push(say(locale, `运行 ${c.check} 检查（${what[0]}），目前还没有结果`, `Run the ${c.check} check (${what[1]}): it has no result yet`));
    else if (c.status !== 'pass') todo.push(say(locale, `${fix[0]}（最近一次检查 ${c.period}：${c.status}）`, `${fix[1]} (latest check ${c.period}: ${c.status})`));
  };
  latest(r.policyFreshness, 'policy-freshness', ['关键词库与测试题库', 'keyword library and test banks'], [
    '更新关键词库和拒答/非拒答测试题库',
    'Update the keyword library and the should-refuse / should-answer banks',
  ]);
  latest(r.complaintSla, 'complaint-sla', ['用户投诉处理时限', 'complaint handling times'], [
    '处理超时或临近时限的用户投诉',
    'Answer the complaints that are overdue or close to their limit',
  ]);
  if (r.openCases.length) {
    const first = r.openCases.find((c) => c.deadline)?.deadline;
    todo.push(
      say(
        locale,
        `处理 ${r.openCases.length} 个未结案件${first ? `（最早截止 ${first}）` : ''}`,
        `Close ${r.openCases.length} open case${r.openCases.length === 1 ? '' : 's'}${first ? ` (earliest deadline ${first})` : ''}`,
      ),
    );
  }
  return todo;
}
