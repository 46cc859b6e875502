import { listCases } from './cases.js';
import type { Ledger } from './ledger.js';

/**
 * The view of open cases that reports, reminders and the digest show: earliest deadline first.
 * Read through cases.ts (the one reader of the `cases` table); a failing query fails the report
 * rather than passing for "no open cases".
 */
export interface OpenCase {
  caseId: string;
  checkId: string;
  service: string;
  state: string;
  code?: string;
  title: string;
  /** YYYY-MM-DD. */
  deadline?: string;
  firstSeen?: string;
}

export async function openCases(ledger: Ledger, service?: string): Promise<OpenCase[]> {
  const cases = await listCases(ledger, { open: true, ...(service ? { service } : {}) });
  return cases
    .map((c) => ({ caseId: c.caseId, checkId: c.check, service: c.service, state: c.state, code: c.code, title: c.title, deadline: c.deadline, firstSeen: c.firstSeen }))
    .sort((a, b) => byCodeUnits(a.deadline ?? '9999', b.deadline ?? '9999') || byCodeUnits(a.caseId, b.caseId));
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
