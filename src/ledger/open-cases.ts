import { parseBody, type Ledger } from './ledger.js';

/**
 * Open cases of a service, read defensively from the `current_cases` view (migration 1). The
 * cases module (issue 4) owns the case body; until it lands the table may be empty, and a body
 * may lack fields: every field is optional here and nothing throws on an odd row.
 */
export interface OpenCase {
  caseId: string;
  checkId: string;
  service: string;
  state: string;
  code?: string;
  title: string;
  /** YYYY-MM-DD, when the case has one. */
  deadline?: string;
  firstSeen?: string;
}

const OPEN_STATES = ['open', 'acknowledged'];

export async function openCases(ledger: Ledger, service?: string): Promise<OpenCase[]> {
  let rows: Array<{ case_id: string; check_id: string; service_id: string; state: string; body: string }>;
  try {
    rows = await ledger.query(
      `SELECT case_id, check_id, service_id, state, body FROM current_cases WHERE state IN (?, ?)${service ? ' AND service_id = ?' : ''}`,
      service ? [...OPEN_STATES, service] : OPEN_STATES,
    );
  } catch {
    return [];
  }
  const out: OpenCase[] = rows.map((r) => {
    let body: Record<string, unknown> = {};
    try {
      body = parseBody<Record<string, unknown>>(r) ?? {};
    } catch {
      body = {};
    }
    const str = (...keys: string[]) => keys.map((k) => body[k]).find((v): v is string => typeof v === 'string' && v.length > 0);
    const deadline = str('deadline');
    return {
      caseId: r.case_id,
      checkId: r.check_id,
      service: r.service_id,
      state: r.state,
      code: str('code'),
      title: str('title', 'message', 'summary', 'code') ?? r.case_id,
      deadline: deadline && /^\d{4}-\d{2}-\d{2}/.test(deadline) ? deadline.slice(0, 10) : undefined,
      firstSeen: str('firstSeen', 'firstSeenAt', 'openedAt'),
    };
  });
  // Earliest deadline first; cases without one last.
  return out.sort((a, b) => (a.deadline ?? '9999').localeCompare(b.deadline ?? '9999') || a.caseId.localeCompare(b.caseId));
}
