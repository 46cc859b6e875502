import { canonicalJson, sha256 } from '../lib/hash.js';
import { UsageError } from '../lib/errors.js';
import { parseBody, type Ledger, type LedgerTx } from './ledger.js';

/**
 * Cases (spec section 4): findings that need someone to act, kept across runs. A case has a
 * stable id derived from what it is about (so the same change seen on five runs is one case), the
 * day it was first seen, a deadline frozen at that moment (a later change of the SLA in config
 * does not move it), and a state: open → acknowledged → resolved.
 *
 * Storage: the `cases` table of the ledger, one chained row per change of a case ('opened',
 * 'updated', 'overdue', 'acknowledged', 'resolved'), each carrying the whole case as it is after
 * the change; the view `current_cases` is therefore the current state. Nothing is updated in
 * place. A change that comes back after its case was resolved is a new occurrence of the same
 * base id (`fc-3a9f…`, then `fc-3a9f….2`), with its own first-seen day and deadline, and a link
 * to the earlier occurrence.
 *
 * Observation by checks lives in case-observe.ts; this file holds the record, reads, and what
 * people do (acknowledge, resolve).
 */

export type CaseState = 'open' | 'acknowledged' | 'resolved';
export type CaseRowEvent = 'opened' | 'updated' | 'overdue' | 'acknowledged' | 'resolved';

export interface CaseResolution {
  /** reverted (the change disappeared), resolved (the condition ended), baseline-accepted, … */
  reason: string;
  /** ISO instant. */
  at: string;
  runId?: string;
  by?: string;
  /** The filing reference (baseline accept). */
  ref?: string;
  note?: string;
}

export interface CaseAck {
  by: string;
  at: string;
  note?: string;
}

export interface CaseRecord {
  caseId: string;
  /** Hash of (check, key): every occurrence of the same thing shares it. */
  baseId: string;
  occurrence: number;
  check: string;
  type: string;
  service: string;
  /** The finding code (feature-added, complaint-overdue, …). */
  code: string;
  /** What the case is about, in the config's locale when first seen; e.g. 新增功能「文生图」. */
  title: string;
  /** What identifies it (hashed into the id). */
  key: Record<string, unknown>;
  /** Facts an email or report needs: what changed, before/after, received when, … */
  data: Record<string, unknown>;
  /** What is due: change-filing, security-assessment, respond, … */
  actions: string[];
  /** The calendar day (configured zone) of the run that first saw it. */
  firstSeen: string;
  firstSeenAt: string;
  firstRunId: string;
  /** YYYY-MM-DD, frozen when first seen; the deadline day itself is still on time. */
  deadline: string;
  deadlineRule?: { workingDays: number; from: string };
  /** warn while within the deadline, fail once past it. */
  severity: 'warn' | 'fail';
  /** The first day a run saw it past its deadline. */
  overdueSince?: string;
  state: CaseState;
  acks: CaseAck[];
  resolution?: CaseResolution;
  /** The occurrence before this one, when the same thing was seen and resolved earlier. */
  previous?: { caseId: string; firstSeen: string; resolvedAt?: string; reason?: string };
  /** Who wrote the latest row: `run:<runId>` or `user:<name>`. */
  updatedBy: string;
}

export interface CaseFilter {
  open?: boolean;
  service?: string;
  check?: string;
}

const ABBREVIATIONS: Record<string, string> = { 'feature-changes': 'fc', 'complaint-sla': 'cs' };

/** `fc-3a9f0c2b71`: short enough to type in `dossier ack`, 40 bits so ids never collide in practice. */
export function caseBaseId(check: { id: string; type: string }, key: Record<string, unknown>): string {
  const prefix = ABBREVIATIONS[check.type] ?? check.type.split('-').map((w) => w[0]).join('');
  return `${prefix}-${sha256(canonicalJson({ check: check.id, key })).slice(0, 10)}`;
}

export function isOpen(c: Pick<CaseRecord, 'state'>): boolean {
  return c.state !== 'resolved';
}

/** Appends one case row; `record` is the whole case after the change. */
export async function appendCaseRow(tx: LedgerTx, event: CaseRowEvent, record: CaseRecord): Promise<void> {
  await tx.append({
    table: 'cases',
    event,
    keys: { case_id: record.caseId, check_id: record.check, service_id: record.service, state: record.state },
    body: record,
  });
}

/** Current state of cases, oldest first. */
export async function listCases(db: Pick<Ledger, 'query'> | LedgerTx, filter: CaseFilter = {}): Promise<CaseRecord[]> {
  const where: string[] = [];
  const params: string[] = [];
  if (filter.open) where.push("state <> 'resolved'");
  if (filter.service) {
    where.push('service_id = ?');
    params.push(filter.service);
  }
  if (filter.check) {
    where.push('check_id = ?');
    params.push(filter.check);
  }
  const sql = `SELECT body FROM current_cases${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
  const rows = await db.query<{ body: string }>(sql, params);
  return rows.map((r) => parseBody<CaseRecord>(r)).sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt) || a.caseId.localeCompare(b.caseId));
}

/** The case with this id, or the one case whose id starts with it (as git does with hashes). */
export async function findCase(db: Pick<Ledger, 'query'> | LedgerTx, idOrPrefix: string): Promise<CaseRecord> {
  const [exact] = await db.query<{ body: string }>('SELECT body FROM current_cases WHERE case_id = ?', [idOrPrefix]);
  if (exact) return parseBody<CaseRecord>(exact);
  const like = `${idOrPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.query<{ case_id: string; body: string }>("SELECT case_id, body FROM current_cases WHERE case_id LIKE ? ESCAPE '\\' ORDER BY seq", [like]);
  if (rows.length === 1) return parseBody<CaseRecord>(rows[0]!);
  if (rows.length > 1) throw new UsageError(`case id "${idOrPrefix}" is ambiguous: ${rows.map((r) => r.case_id).join(', ')}; type more of it`);
  throw new UsageError(`no case "${idOrPrefix}"; list cases with \`dossier cases\``);
}

/** Every row of one case, oldest first: its history. */
export async function caseHistory(ledger: Pick<Ledger, 'query'>, caseId: string): Promise<Array<{ seq: number; at: string; event: string; record: CaseRecord }>> {
  const rows = await ledger.query<{ seq: number; at: string; event: string; body: string }>('SELECT seq, at, event, body FROM cases WHERE case_id = ? ORDER BY seq', [caseId]);
  return rows.map((r) => ({ seq: Number(r.seq), at: r.at, event: r.event, record: parseBody<CaseRecord>(r) }));
}

/**
 * `dossier ack`: someone has seen the case and is on it. The case stays open for the check's
 * status (a deadline is still a deadline); the acknowledgement is a case row (new state) and an
 * `events` row (what people did), in one transaction.
 */
export async function acknowledgeCase(ledger: Ledger, idOrPrefix: string, ack: CaseAck): Promise<CaseRecord> {
  return ledger.transaction(async (tx) => {
    await tx.lock();
    const current = await findCase(tx, idOrPrefix);
    if (current.state === 'resolved') {
      const r = current.resolution;
      throw new UsageError(`case ${current.caseId} is already resolved${r ? ` (${r.reason}, ${r.at}${r.ref ? `, ref ${r.ref}` : ''})` : ''}; nothing to acknowledge`);
    }
    const next: CaseRecord = { ...current, state: 'acknowledged', acks: [...current.acks, ack], updatedBy: `user:${ack.by}` };
    await appendCaseRow(tx, 'acknowledged', next);
    await tx.append({
      table: 'events',
      event: 'case-acknowledged',
      keys: { subject: `case:${next.caseId}`, service_id: next.service },
      body: { caseId: next.caseId, check: next.check, ...ack },
    });
    return next;
  });
}

/** Resolves open cases inside the caller's transaction (baseline accept); returns what it resolved. */
export async function resolveCasesInTx(tx: LedgerTx, cases: CaseRecord[], resolution: CaseResolution): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  for (const c of cases) {
    if (!isOpen(c)) continue;
    const next: CaseRecord = {
      ...c,
      state: 'resolved',
      resolution,
      updatedBy: resolution.runId ? `run:${resolution.runId}` : `user:${resolution.by ?? 'unknown'}`,
    };
    await appendCaseRow(tx, 'resolved', next);
    out.push(next);
  }
  return out;
}
