import { currentDue, daysBetween } from '../calendar/due-dates.js';
import type { Config, Service } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import { obligationCompletions, type ObligationDone } from '../ledger/obligations.js';

export interface ObligationStatus {
  service: string;
  id: string;
  title: string;
  /** null once a one-off obligation is done. */
  dueDate: string | null;
  daysLeft: number | null;
  state: 'upcoming' | 'due-soon' | 'overdue' | 'done';
  lastDone: ObligationDone | null;
}

/**
 * Every obligation of a service as of `today` (YYYY-MM-DD in the configured zone). "Due soon"
 * means inside the reminder window of the service's pre-review check (its largest lead day;
 * 60 days without one).
 */
export async function obligationStatuses(ledger: Ledger, config: Config, service: Service, today: string): Promise<ObligationStatus[]> {
  const preReview = config.checks.find((c) => c.service === service.id && c.type === 'pre-review');
  const window = preReview && preReview.type === 'pre-review' ? Math.max(...preReview.leadDays) : 60;
  const out: ObligationStatus[] = [];
  for (const o of service.obligations) {
    const completions = await obligationCompletions(ledger, service.id, o.id);
    const dueDate = currentDue(o.due, completions) ?? null;
    const daysLeft = dueDate ? daysBetween(today, dueDate) : null;
    const state = daysLeft === null ? 'done' : daysLeft < 0 ? 'overdue' : daysLeft <= window ? 'due-soon' : 'upcoming';
    out.push({ service: service.id, id: o.id, title: o.title, dueDate, daysLeft, state, lastDone: completions.at(-1) ?? null });
  }
  return out;
}
