import { calendarFor } from '../src/calendar/workdays.js';
import type { ObservedCase } from '../src/ledger/case-observe.js';
import { readBaseline } from '../src/inventory/baseline.js';
import { diffInventory, type Change } from '../src/inventory/diff.js';
import { loadInventory } from '../src/inventory/load.js';
import { changeMessage, changeTitle, narrowedMessage, revertedMessage, summaryText } from '../src/inventory/messages.js';
import { snapshot } from '../src/inventory/schema.js';
import { PermanentError } from '../src/lib/errors.js';
import { say } from '../src/lib/i18n.js';
import type { Finding, Status } from '../src/lib/result.js';
import type { CheckHandler } from './types.js';

/**
 * feature-changes (spec 4.2): the running inventory against the filed baseline. Every difference
 * is a case due 10 working days (`changeFilingWorkingDays`, CN calendar with 调休) after the day
 * it was first seen (算法推荐管理规定 Art. 24); a new public-facing feature also needs a security
 * assessment before launch. pass: no open case; warn: open cases within their deadline; fail:
 * any overdue. A change that goes away resolves its case ("reverted"); `dossier baseline accept`
 * resolves them with the filing reference.
 *
 * A source that cannot be read throws (see src/inventory/load.ts for which errors are retried),
 * before any case is touched: an unreadable inventory never closes cases.
 */
export const featureChanges: CheckHandler<'feature-changes'> = {
  type: 'feature-changes',
  async run({ check, service, period }, ctx) {
    const locale = ctx.config.locale;
    const calendar = calendarFor(ctx.config, ctx.logger);
    if (!service.baseline) throw new PermanentError(`service ${service.id} has no baseline file; set services[${service.id}].baseline`);
    if (!service.sources.inventory) throw new PermanentError(`service ${service.id} has no inventory source; set services[${service.id}].sources.inventory`);

    const baseline = await readBaseline(service.baseline);
    const loaded = await loadInventory(service.sources.inventory, { signal: ctx.signal });
    const current = snapshot(loaded.inventory);
    const filed = snapshot(baseline);
    const diff = diffInventory(baseline, loaded.inventory);

    const today = period.key;
    const workingDays = check.changeFilingWorkingDays;
    const deadline = calendar.addWorkingDays(today, workingDays);
    const titles = new Map(diff.changes.map((c) => [c.subject + c.code, changeTitle(locale, c)]));
    const observed = await ctx.cases.observe(
      diff.changes.map((c) => ({
        key: { code: c.code, subject: c.subject },
        code: c.code,
        title: titles.get(c.subject + c.code)!,
        // What the change is, nothing that moves with the rest of the inventory: the snapshot's
        // hash changes with any other edit and would write an `updated` row for every case.
        data: { subject: c.subject, before: c.before, after: c.after, publicFacing: c.publicFacing, inventory: loaded.origin },
        actions: c.publicFacing ? ['change-filing', 'security-assessment'] : ['change-filing'],
        deadline,
        deadlineRule: { workingDays, from: today },
      })),
      { resolveMissing: () => ({ reason: 'reverted' }) },
    );

    const findings: Finding[] = [];
    const statuses: Status[] = [];
    diff.changes.forEach((change, i) => {
      const c = observed.cases[i]!;
      statuses.push(c.overdue ? 'fail' : 'warn');
      findings.push(caseFinding(locale, change, c, titles.get(change.subject + change.code)!, today, calendar));
    });
    for (const r of observed.resolved) {
      findings.push({ code: 'case-resolved', severity: 'info', message: revertedMessage(locale, r.title, r.firstSeen), caseId: r.caseId, data: { reason: r.resolution?.reason, code: r.code } });
    }
    for (const n of diff.narrowed) {
      findings.push({ code: 'scope-narrowed', severity: 'info', message: narrowedMessage(locale, n.dimension, n.value), data: { ...n } });
    }
    const unknownYears = [...new Set(observed.cases.filter((c) => !calendar.info(c.deadline).known).map((c) => c.deadline.slice(0, 4)))];
    for (const year of unknownYears) {
      findings.push({
        code: 'calendar-estimated',
        severity: 'info',
        message: say(locale, `${year} 年没有节假日数据，截止日期按周末估算；请在配置 calendar 中补充该年的放假与调休安排`, `${year} has no holiday data: deadlines in it count weekends only; add that year's holidays and make-up days under calendar in config`),
        data: { year: Number(year) },
      });
    }

    const overdue = observed.cases.filter((c) => c.overdue).length;
    const opened = observed.cases.filter((c) => c.isNew).length;
    const nextDeadline = observed.cases.map((c) => c.deadline).sort()[0];
    const metrics = {
      features: loaded.inventory.features.length,
      changes: diff.changes.length,
      openCases: observed.cases.length,
      newCases: opened,
      overdueCases: overdue,
      resolvedCases: observed.resolved.length,
      ...(nextDeadline ? { nextDeadline } : {}),
      inventory: { origin: loaded.origin, sha256: current.sha256, bytes: loaded.bytes },
      baseline: { file: service.baseline, sha256: filed.sha256 },
      ...(observed.readOnly ? { readOnly: true } : {}),
    };

    await ctx.evidence.writeFile('inventory.json', current.json);
    await ctx.evidence.writeFile('baseline.json', filed.json);
    await ctx.evidence.writeJson('diff.json', {
      check: check.id,
      service: service.id,
      day: today,
      inventory: { origin: loaded.origin, sha256: current.sha256 },
      baseline: { file: service.baseline, sha256: filed.sha256 },
      changes: diff.changes.map((c, i) => ({ ...c, caseId: observed.cases[i]!.caseId, deadline: observed.cases[i]!.deadline })),
      narrowed: diff.narrowed,
      resolved: observed.resolved.map((r) => ({ caseId: r.caseId, code: r.code, reason: r.resolution?.reason })),
    });

    const status: Status = statuses.includes('fail') ? 'fail' : statuses.length ? 'warn' : 'pass';
    return { status, summary: summaryText(locale, { features: metrics.features, open: observed.cases.length, opened, overdue, nextDeadline }), metrics, findings };
  },
};

function caseFinding(locale: 'zh-CN' | 'en', change: Change, c: ObservedCase, title: string, today: string, calendar: ReturnType<typeof calendarFor>): Finding {
  const workingDays = c.deadlineRule?.workingDays ?? 0;
  const timing = {
    firstSeen: c.firstSeen,
    deadline: c.deadline,
    workingDays,
    workingDaysLeft: Math.max(0, calendar.workingDaysBetween(today, c.deadline)),
    overdue: c.overdue,
    daysOverdue: c.overdue ? Math.round((Date.parse(today) - Date.parse(c.deadline)) / 86_400_000) : 0,
    acknowledgedBy: c.state === 'acknowledged' ? c.acks.at(-1)?.by : undefined,
  };
  return {
    code: change.code,
    severity: c.overdue ? 'fail' : 'warn',
    message: changeMessage(locale, title, timing, change.publicFacing && change.code !== 'feature-removed'),
    caseId: c.caseId,
    deadline: c.deadline,
    data: {
      subject: change.subject,
      before: change.before,
      after: change.after,
      actions: c.actions,
      case: { title: c.title, new: c.isNew, state: c.state, firstSeen: c.firstSeen, deadline: c.deadline, overdue: c.overdue, workingDaysLeft: timing.workingDaysLeft, ...(c.previous ? { previous: c.previous } : {}) },
    },
  };
}
