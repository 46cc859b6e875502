import { currentDue, daysBetween, localDate, milestoneFor } from '../src/calendar/due-dates.js';
import { say, type Locale } from '../src/lib/i18n.js';
import type { Finding, Status } from '../src/lib/result.js';
import type { NotificationRequest } from '../src/notify/request.js';
import type { PreReviewMail } from '../src/notify/templates/pre-review.js';
import { computeReadiness, type Readiness } from '../src/report/readiness.js';
import type { CheckHandler, CheckOutcome } from './types.js';

/**
 * pre-review (spec 4.3): for each obligation of the service, the next due date (rolled past
 * recorded completions) and the calendar days left from the scheduled day, in the configured
 * zone. It asks for one reminder per (obligation, due date, milestone): the key names the
 * milestone the day falls in, so every run inside a milestone's window asks for the same email
 * and the pipeline sends it once, and a run after downtime asks only for the latest milestone.
 * After the due date it asks for an overdue notice keyed by the day, on working days only.
 */

export interface ObligationState {
  id: string;
  title: string;
  dueDate: string | null;
  daysLeft: number | null;
  state: 'upcoming' | 'due-soon' | 'overdue' | 'done';
  milestone?: number;
  escalated: boolean;
  lastDone?: { covers: string; completedOn: string; by: string };
  /** The key of the email this run asked for, if any. */
  notification?: string;
}

export const preReview: CheckHandler<'pre-review'> = {
  type: 'pre-review',
  async run({ check, service, scheduledAt }, ctx) {
    const { config } = ctx;
    const locale = config.locale;
    const today = localDate(scheduledAt, config.timezone);
    const watched = service.obligations.filter((o) => !check.obligations || check.obligations.includes(o.id));
    const lead = Math.max(...check.leadDays);
    const states: ObligationState[] = [];
    const readinessById = new Map<string, Readiness>();
    const notifications: NotificationRequest[] = [];
    const findings: Finding[] = [];

    for (const o of watched) {
      const completions = await ctx.ledger.obligationCompletions(service.id, o.id);
      const last = completions.at(-1);
      const lastDone = last ? { covers: last.covers, completedOn: last.completedOn, by: last.by } : undefined;
      const dueDate = currentDue(o.due, completions);
      if (!dueDate) {
        states.push({ id: o.id, title: o.title, dueDate: null, daysLeft: null, state: 'done', escalated: false, ...(lastDone ? { lastDone } : {}) });
        continue;
      }
      const daysLeft = daysBetween(today, dueDate);
      const escalated = daysLeft <= check.escalateWithinDays && check.escalate.length > 0;
      const milestone = milestoneFor(check.leadDays, daysLeft);
      const state: ObligationState['state'] = daysLeft < 0 ? 'overdue' : daysLeft <= lead ? 'due-soon' : 'upcoming';
      const readiness = await computeReadiness(ctx.ledger, config, service.id, dueDate, scheduledAt);
      readinessById.set(o.id, readiness);

      const base = `pre-review:${service.id}:${o.id}:${dueDate}`;
      let key: string | undefined;
      if (state === 'overdue' && ctx.isWorkingDay(today)) key = `${base}:overdue:${today}`;
      else if (state !== 'overdue' && milestone !== undefined) key = `${base}:T-${milestone}`;
      if (key) {
        const data: PreReviewMail = {
          kind: state === 'overdue' ? 'overdue' : 'reminder',
          service: service.id,
          serviceName: service.name,
          filingNumber: service.filing.number,
          obligation: { id: o.id, title: o.title },
          dueDate,
          daysLeft,
          ...(milestone !== undefined && state !== 'overdue' ? { milestone } : {}),
          escalated,
          readiness,
        };
        notifications.push({ key, to: check.notify, ...(escalated ? { cc: check.escalate } : {}), content: { template: 'pre-review', data } });
      }
      if (state !== 'upcoming') findings.push(finding(locale, o.title, dueDate, daysLeft, { obligation: o.id, milestone, escalated }));
      states.push({
        id: o.id,
        title: o.title,
        dueDate,
        daysLeft,
        state,
        ...(milestone !== undefined && state !== 'overdue' ? { milestone } : {}),
        escalated,
        ...(lastDone ? { lastDone } : {}),
        ...(key ? { notification: key } : {}),
      });
    }

    // The summary for the most urgent open obligation is the Result's readiness.
    const urgent = states.filter((s) => s.daysLeft !== null).sort((a, b) => a.daysLeft! - b.daysLeft!)[0];
    const readiness = urgent ? readinessById.get(urgent.id)! : null;
    await ctx.evidence.writeJson('readiness.json', {
      check: check.id,
      service: service.id,
      scheduledAt: scheduledAt.toISO(),
      today,
      obligations: states.map((s) => ({ ...s, readiness: readinessById.get(s.id) ?? null })),
    });

    const status: Status = states.some((s) => s.state === 'overdue') ? 'fail' : states.some((s) => s.state === 'due-soon') ? 'warn' : 'pass';
    const outcome: CheckOutcome = {
      status,
      summary: summarize(locale, states, readiness),
      metrics: { today, obligations: states, readiness },
      findings,
      notifications,
    };
    return outcome;
  },
};

function finding(locale: Locale, title: string, dueDate: string, daysLeft: number, data: Record<string, unknown>): Finding {
  if (daysLeft < 0) {
    return {
      code: 'obligation-overdue',
      severity: 'fail',
      message: say(locale, `${title} 应于 ${dueDate} 完成，已逾期 ${-daysLeft} 天`, `${title} was due on ${dueDate}: ${-daysLeft} days overdue`),
      deadline: dueDate,
      data: { ...data, dueDate, daysLeft },
    };
  }
  return {
    code: 'obligation-due-soon',
    severity: 'warn',
    message: say(locale, `${title} 将于 ${dueDate} 到期，还剩 ${daysLeft} 天`, `${title} is due on ${dueDate}, in ${daysLeft} days`),
    deadline: dueDate,
    data: { ...data, dueDate, daysLeft },
  };
}

function summarize(locale: Locale, states: ObligationState[], readiness: Readiness | null): string {
  if (!states.length) return say(locale, '没有需要提醒的事项', 'No obligations to watch');
  const parts = states.map((s) => {
    if (s.dueDate === null) return say(locale, `${s.title}：已完成`, `${s.title}: done`);
    if (s.daysLeft! < 0) return say(locale, `${s.title}：已逾期 ${-s.daysLeft!} 天（${s.dueDate}）`, `${s.title}: ${-s.daysLeft!} days overdue (${s.dueDate})`);
    return say(locale, `${s.title}：${s.dueDate} 到期，还剩 ${s.daysLeft} 天`, `${s.title}: due ${s.dueDate}, in ${s.daysLeft} days`);
  });
  if (readiness) {
    const c = readiness.counts;
    parts.push(
      say(
        locale,
        `准备情况：${c.present}/12 个月运营日志齐备，待办 ${readiness.todo.length} 项`,
        `readiness: safety logs present for ${c.present}/12 months, ${readiness.todo.length} to-do item${readiness.todo.length === 1 ? '' : 's'}`,
      ),
    );
  }
  return parts.join(say(locale, '；', '; '));
}
