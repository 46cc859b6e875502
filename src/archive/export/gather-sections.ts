import type { Config } from '../../config/normalize.js';
import { DateTime } from 'luxon';
import type { Distribution, WindowMetrics } from '../../complaints/sla.js';
import type { CheckRuns, ComplaintFigures, ComplaintMonth, ComplaintSection, FinalRun, PolicySection, SafetyLogMonth, SafetyLogSection } from './model.js';
import { addMonths, type ExportWindow } from './window.js';

/**
 * Month-by-month views of the checks the page shows in detail. Metrics are read by the names the
 * handlers write them under, defensively (a field that is absent or not a number is shown as
 * "—"), so results written by older or newer versions of a check still render.
 */

const DEFAULT_RATE = { warn: 0.01, fail: 0.03 };
const DEFAULT_KEYWORD_DAYS = { warn: 7, fail: 14 };

export function safetyLogSections(config: Config, checks: CheckRuns[], window: ExportWindow, due: Set<string>): SafetyLogSection[] {
  return checks
    .filter((c) => c.type === 'safety-logs')
    .map((check) => {
      const configured = config.checks.find((c) => c.id === check.id);
      const thresholds = configured?.type === 'safety-logs' ? configured.thresholds.violationRate : DEFAULT_RATE;
      const categories = new Map<string, { total: number; blocked: number }>();
      const months: SafetyLogMonth[] = window.months.map((month) => {
        const run = check.byPeriod.get(month);
        if (!run) return { month, state: due.has(month) ? 'missing' : 'future' };
        const m = run.result.metrics ?? {};
        for (const [category, v] of Object.entries(asRecord(m.byCategory))) {
          const c = categories.get(category) ?? { total: 0, blocked: 0 };
          c.total += num(asRecord(v).total) ?? 0;
          c.blocked += num(asRecord(v).blocked) ?? 0;
          categories.set(category, c);
        }
        const total = num(m.total);
        const blocked = num(m.blocked);
        return {
          month,
          state: 'present',
          run,
          total,
          passed: num(m.passed),
          blocked,
          reviewed: num(m.reviewed),
          malformed: num(m.malformed),
          violationRate: num(m.violationRate) ?? (total && blocked !== undefined ? blocked / total : undefined),
        };
      });
      return {
        check: check.id,
        thresholds,
        months,
        categories: [...categories.entries()].map(([category, v]) => ({ category, ...v })).sort((a, b) => b.blocked - a.blocked || b.total - a.total || byCodeUnits(a.category, b.category)),
      };
    });
}

export function policySections(config: Config, checks: CheckRuns[], window: ExportWindow): PolicySection[] {
  return checks
    .filter((c) => c.type === 'policy-freshness')
    .map((check) => {
      const configured = config.checks.find((c) => c.id === check.id);
      const keywordDays =
        configured?.type === 'policy-freshness' ? { warn: configured.keywordLibrary.warnDays, fail: configured.keywordLibrary.failDays } : DEFAULT_KEYWORD_DAYS;
      const byMonth = runsByMonth(check);
      return {
        check: check.id,
        keywordDays,
        months: window.months.map((month) => {
          const runs = byMonth.get(month) ?? [];
          const last = runs.at(-1);
          const facts = (r: FinalRun, part: 'keywordLibrary' | 'refuse' | 'answer') => {
            const m = r.result.metrics ?? {};
            return asRecord(part === 'keywordLibrary' ? m.keywordLibrary : asRecord(m.questionBanks)[part]);
          };
          const maxOf = (values: Array<number | undefined>) => {
            const known = values.filter((v): v is number => v !== undefined);
            return known.length ? Math.max(...known) : undefined;
          };
          return {
            month,
            runs,
            last,
            keywordEntries: last ? num(facts(last, 'keywordLibrary').entries) : undefined,
            keywordUnchangedDaysMax: maxOf(runs.map((r) => num(facts(r, 'keywordLibrary').unchangedDays))),
            refuseEntries: last ? num(facts(last, 'refuse').entries) : undefined,
            answerEntries: last ? num(facts(last, 'answer').entries) : undefined,
            bankUnchangedDaysMax: maxOf(runs.flatMap((r) => [num(facts(r, 'refuse').unchangedDays), num(facts(r, 'answer').unchangedDays)])),
          };
        }),
      };
    });
}

/**
 * complaint-sla month by month. Each run carries two figures (jobs/complaint-sla.ts):
 * `monthToDate` (the complaints received in the run's month up to its instant) and
 * `previousMonth` (those of the calendar month before, as known at its instant). A month's
 * complete figures are therefore the `previousMonth` of the first run of the next month; until
 * that run exists, the `monthToDate` of the month's own last run is shown, marked partial.
 */
export function complaintSections(checks: CheckRuns[], window: ExportWindow, zone: string): ComplaintSection[] {
  return checks
    .filter((c) => c.type === 'complaint-sla')
    .map((check) => {
      const byMonth = runsByMonth(check);
      const following = runsByMonth({ byPeriod: check.following });
      const months = window.months.map((month): ComplaintMonth => {
        const runs = byMonth.get(month) ?? [];
        const next = addMonths(month, 1);
        for (const run of byMonth.get(next) ?? following.get(next) ?? []) {
          const figures = windowFigures(run.result.metrics?.previousMonth, month, zone);
          if (figures) return { month, runs, source: { kind: 'complete', run, asOf: asOfOf(run) }, figures };
        }
        for (const run of [...runs].reverse()) {
          const figures = windowFigures(run.result.metrics?.monthToDate, month, zone);
          if (figures) return { month, runs, source: { kind: 'partial', run, asOf: asOfOf(run) }, figures };
        }
        return { month, runs };
      });
      return { check: check.id, months };
    });
}

/** The figures of one WindowMetrics, when it is there and is about `month`. */
function windowFigures(v: unknown, month: string, zone: string): ComplaintFigures | undefined {
  const m: Partial<WindowMetrics> = asRecord(v);
  const from = asRecord(m.window).from;
  if (typeof from !== 'string' || DateTime.fromISO(from, { zone }).toFormat('yyyy-MM') !== month) return undefined;
  const response: Partial<Distribution> = asRecord(m.responseWorkingDays);
  return {
    received: num(m.received),
    responded: num(m.responded),
    open: num(m.open),
    late: num(m.late),
    overdueOpen: num(m.overdueOpen),
    compliance: num(m.compliance),
    medianDays: num(response.median),
    p95Days: num(response.p95),
  };
}

function asOfOf(run: FinalRun): string {
  const asOf = run.result.metrics?.asOf;
  return typeof asOf === 'string' ? asOf : run.result.scheduledAt;
}

/** Final runs of one check grouped by month (day periods fall into their month). */
export function runsByMonth(check: Pick<CheckRuns, 'byPeriod'>): Map<string, FinalRun[]> {
  const out = new Map<string, FinalRun[]>();
  const periods = [...check.byPeriod.keys()].sort();
  for (const p of periods) {
    const month = p.slice(0, 7);
    const list = out.get(month) ?? [];
    list.push(check.byPeriod.get(p)!);
    out.set(month, list);
  }
  return out;
}

/**
 * Orders strings by UTF-16 code units. Not localeCompare: its order comes from the ICU data of
 * the Node build, and the package must be the same bytes wherever it is made.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
