import type { Completion } from '../calendar/due-dates.js';
import { parseBody, type Ledger } from './ledger.js';

/**
 * "Obligation done" events (spec 4.3): someone completed a dated duty. Hash-chained in the
 * `events` table like everything people do; the due date the completion covers is written into
 * the event, so later config edits (a changed anchor) cannot silently re-interpret the past.
 */
export const OBLIGATION_DONE = 'obligation-done';

export interface ObligationDone extends Completion {
  service: string;
  obligation: string;
  by: string;
  note?: string;
}

export function obligationSubject(service: string, obligation: string): string {
  return `obligation:${service}:${obligation}`;
}

export async function recordObligationDone(ledger: Ledger, done: ObligationDone): Promise<void> {
  await ledger.append({
    table: 'events',
    event: OBLIGATION_DONE,
    keys: { subject: obligationSubject(done.service, done.obligation), service_id: done.service },
    body: done,
  });
}

/** Completions of one obligation, oldest first; with `maxSeq`, as of that chain position. */
export async function obligationCompletions(ledger: Ledger, service: string, obligation: string, maxSeq?: number): Promise<ObligationDone[]> {
  const rows = await ledger.query<{ body: string }>('SELECT body FROM events WHERE subject = ? AND event = ? AND seq <= ? ORDER BY seq', [
    obligationSubject(service, obligation),
    OBLIGATION_DONE,
    maxSeq ?? Number.MAX_SAFE_INTEGER,
  ]);
  return rows.map((r) => parseBody<ObligationDone>(r));
}
