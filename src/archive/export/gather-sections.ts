import type { Config } from '../../config/normalize.js';
import type { CheckRuns, FinalRun, GenericSection, PolicySection, SafetyLogMonth, SafetyLogSection } from './model.js';
import type { ExportWindow } from './window.js';

/**
 * Month-by-month views of the checks the page shows in detail. Metrics are read defensively
 * (a field that is absent or not a number is shown as "—"): results written by older or newer
 * versions of a check still render, and a check type this file does not know still gets a table.
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
 * complaint-sla per month: the month's runs and the numbers of its last result. Which numbers a
 * result carries is the check's business; every top-level numeric metric is shown (at most 8).
 */
/** Complaint figures in the order a reader expects them; others follow alphabetically. */
const PREFERRED = ['received', 'responded', 'resolved', 'open', 'overdue', 'breaches', 'medianWorkingDays', 'p95WorkingDays', 'slaCompliance', 'compliance'];

export function complaintSections(checks: CheckRuns[], window: ExportWindow): GenericSection[] {
  return checks
    .filter((c) => c.type === 'complaint-sla')
    .map((check) => {
      const byMonth = runsByMonth(check);
      const months = window.months.map((month) => {
        const runs = byMonth.get(month) ?? [];
        const last = runs.at(-1);
        const numbers: Record<string, number> = {};
        for (const [k, v] of Object.entries(last?.result.metrics ?? {})) {
          const n = num(v);
          if (n !== undefined) numbers[k] = n;
        }
        return { month, runs, last, numbers };
      });
      const rank = (k: string) => (PREFERRED.indexOf(k) + 1 || PREFERRED.length + 1);
      const columns = [...new Set(months.flatMap((m) => Object.keys(m.numbers)))].sort((a, b) => rank(a) - rank(b) || byCodeUnits(a, b)).slice(0, 8);
      return { check: check.id, months, columns };
    });
}

/** Final runs of one check grouped by month (day periods fall into their month). */
export function runsByMonth(check: CheckRuns): Map<string, FinalRun[]> {
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
