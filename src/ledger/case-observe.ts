import { canonicalJson } from '../lib/hash.js';
import { appendCaseRow, caseBaseId, isOpen, listCases, type CaseRecord } from './cases.js';
import type { Ledger } from './ledger.js';

/**
 * How a check run reports the cases it sees (`ctx.cases` in a handler). A run hands over the
 * complete list of what it currently observes; under the ledger's chain lock, the port
 *  - opens a case for each observation never seen before (deadline frozen from the observation),
 *  - keeps the frozen deadline of a known case and records when it first went overdue, or when
 *    what it is about changed (a feature renamed again),
 *  - resolves every open case of the check that is no longer observed (reason chosen by the
 *    handler: "reverted" for a change that went away, "answered" for a complaint), unless the
 *    handler says it cannot tell (a complaint whose row could not be read): that case is kept.
 * So a handler must call `observe` only when it could read its sources completely: an
 * unreadable source must not resolve every case.
 *
 * A run for an older period than one already recorded (`run --period` of last week, a late
 * catch-up) must not move cases backwards: it is read-only, it gets the known cases (and
 * unpersisted views of unknown ones) and writes nothing.
 */

export interface CaseObservation {
  /** What identifies the case: the same key → the same case (hashed with the check id). */
  key: Record<string, unknown>;
  code: string;
  title: string;
  data: Record<string, unknown>;
  actions?: string[];
  /** The deadline the case gets if this observation opens it (YYYY-MM-DD). */
  deadline: string;
  deadlineRule?: { workingDays: number; from: string };
}

export interface ObservedCase extends CaseRecord {
  /** Opened by this run. */
  isNew: boolean;
  /** Past its deadline on the run's day. */
  overdue: boolean;
  /** false only in a read-only run, for a case the ledger does not hold. */
  persisted: boolean;
}

export interface ObserveResult {
  /** One per observation, in the same order. */
  cases: ObservedCase[];
  /** Cases this run resolved because they were no longer observed. */
  resolved: CaseRecord[];
  /** Open cases no longer observed that the handler chose to leave as they are (resolveMissing gave undefined). */
  kept: CaseRecord[];
  readOnly: boolean;
}

export interface ObserveOptions {
  /**
   * Why an open case that is no longer observed ended; default "resolved". `undefined` leaves
   * the case open and unchanged: the run cannot tell (its row in the source could not be read).
   */
  resolveMissing?: (c: CaseRecord) => { reason: string; note?: string } | undefined;
}

export interface CasePort {
  observe(observations: CaseObservation[], options?: ObserveOptions): Promise<ObserveResult>;
  /** This check's cases, current state. */
  list(filter?: { open?: boolean }): Promise<CaseRecord[]>;
}

export interface CaseScope {
  check: { id: string; type: string };
  service: string;
  runId: string;
  /** The run's nominal instant (ISO); cases opened or resolved by the run are stamped with it. */
  scheduledAt: string;
  /** The run's calendar day in the configured zone: deadlines are compared with it. */
  today: string;
  periodKey: string;
}

export function casePort(ledger: Ledger, scope: CaseScope): CasePort {
  return {
    observe: (observations, options) => observeCases(ledger, scope, observations, options),
    list: (filter) => listCases(ledger, { check: scope.check.id, open: filter?.open }),
  };
}

export async function observeCases(ledger: Ledger, scope: CaseScope, observations: CaseObservation[], options: ObserveOptions = {}): Promise<ObserveResult> {
  const later = await ledger.query('SELECT 1 AS x FROM latest_runs WHERE check_id = ? AND period_key > ? LIMIT 1', [scope.check.id, scope.periodKey]);
  if (later.length > 0) return readOnlyView(await listCases(ledger, { check: scope.check.id }), scope, observations);

  return ledger.transaction(async (tx) => {
    await tx.lock();
    const current = await listCases(tx, { check: scope.check.id });
    const latest = latestOccurrences(current);
    const updatedBy = `run:${scope.runId}`;
    const seen = new Set<string>();
    const cases: ObservedCase[] = [];

    for (const obs of observations) {
      const baseId = caseBaseId(scope.check, obs.key);
      const prev = latest.get(baseId);
      if (seen.has(baseId)) throw new Error(`two observations of ${scope.check.id} share the key ${canonicalJson(obs.key)}`);
      seen.add(baseId);

      if (prev && isOpen(prev)) {
        const overdue = scope.today > prev.deadline;
        const next: CaseRecord = {
          ...prev,
          title: obs.title,
          data: obs.data,
          actions: obs.actions ?? [],
          severity: overdue ? 'fail' : 'warn',
          overdueSince: prev.overdueSince ?? (overdue ? scope.today : undefined),
          updatedBy,
        };
        const becameOverdue = overdue && !prev.overdueSince;
        const changed = canonicalJson([prev.title, prev.data, prev.actions]) !== canonicalJson([next.title, next.data, next.actions]);
        if (becameOverdue || changed) await appendCaseRow(tx, becameOverdue ? 'overdue' : 'updated', next);
        cases.push({ ...(becameOverdue || changed ? next : prev), isNew: false, overdue, persisted: true });
        continue;
      }

      const record = newRecord(scope, obs, baseId, prev);
      await appendCaseRow(tx, 'opened', record);
      cases.push({ ...record, isNew: true, overdue: scope.today > record.deadline, persisted: true });
    }

    const observed = new Set(cases.map((c) => c.caseId));
    const resolved: CaseRecord[] = [];
    const kept: CaseRecord[] = [];
    for (const c of current) {
      if (!isOpen(c) || observed.has(c.caseId)) continue;
      const why = options.resolveMissing ? options.resolveMissing(c) : { reason: 'resolved' };
      if (!why) {
        kept.push(c);
        continue;
      }
      const next: CaseRecord = { ...c, state: 'resolved', resolution: { ...why, at: scope.scheduledAt, runId: scope.runId }, updatedBy };
      await appendCaseRow(tx, 'resolved', next);
      resolved.push(next);
    }
    return { cases, resolved, kept, readOnly: false };
  });
}

function newRecord(scope: CaseScope, obs: CaseObservation, baseId: string, prev: CaseRecord | undefined): CaseRecord {
  const occurrence = (prev?.occurrence ?? 0) + 1;
  const overdue = scope.today > obs.deadline;
  return {
    caseId: occurrence === 1 ? baseId : `${baseId}.${occurrence}`,
    baseId,
    occurrence,
    check: scope.check.id,
    type: scope.check.type,
    service: scope.service,
    code: obs.code,
    title: obs.title,
    key: obs.key,
    data: obs.data,
    actions: obs.actions ?? [],
    firstSeen: scope.today,
    firstSeenAt: scope.scheduledAt,
    firstRunId: scope.runId,
    deadline: obs.deadline,
    ...(obs.deadlineRule ? { deadlineRule: obs.deadlineRule } : {}),
    severity: overdue ? 'fail' : 'warn',
    ...(overdue ? { overdueSince: scope.today } : {}),
    state: 'open',
    acks: [],
    ...(prev
      ? { previous: { caseId: prev.caseId, firstSeen: prev.firstSeen, resolvedAt: prev.resolution?.at, reason: prev.resolution?.reason } }
      : {}),
    updatedBy: `run:${scope.runId}`,
  };
}

/** The newest occurrence per base id. */
function latestOccurrences(cases: CaseRecord[]): Map<string, CaseRecord> {
  const out = new Map<string, CaseRecord>();
  for (const c of cases) {
    const known = out.get(c.baseId);
    if (!known || c.occurrence > known.occurrence) out.set(c.baseId, c);
  }
  return out;
}

function readOnlyView(current: CaseRecord[], scope: CaseScope, observations: CaseObservation[]): ObserveResult {
  const latest = latestOccurrences(current);
  const cases = observations.map((obs): ObservedCase => {
    const baseId = caseBaseId(scope.check, obs.key);
    const known = latest.get(baseId);
    if (known) return { ...known, isNew: false, overdue: scope.today > known.deadline, persisted: true };
    return { ...newRecord(scope, obs, baseId, undefined), isNew: false, overdue: scope.today > obs.deadline, persisted: false };
  });
  return { cases, resolved: [], kept: [], readOnly: true };
}

