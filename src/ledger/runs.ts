import type { Result, Trigger } from '../lib/result.js';
import { parseBody, type AppendInput, type Ledger } from './ledger.js';

/**
 * Runs in the ledger: every attempt is a 'started' row and then a 'finished' row (or an
 * 'interrupted' row when its worker died, or a 'superseded' row for a spooled result that
 * arrived after a newer run of its period). Nothing is updated in place; "the result of a
 * period" is the latest final attempt (view latest_runs).
 */

/** What is known when an attempt starts: the Result without its outcome. */
export type RunStart = Pick<Result, 'runId' | 'check' | 'type' | 'service' | 'period' | 'scheduledAt' | 'startedAt' | 'attempt' | 'jobId'> & { trigger: Trigger };

interface RunRow {
  seq: number;
  at: string;
  event: string;
  run_id: string;
  check_id: string;
  period_key: string;
  status: string | null;
  body: string;
}

/**
 * Records the start of an attempt. An earlier attempt of the same (check, period) that started
 * and never finished can only belong to a worker that died (runs of a check never overlap), so
 * it is recorded as interrupted in the same transaction: the ledger shows both attempts.
 */
export async function recordRunStarted(ledger: Ledger, start: RunStart): Promise<{ interrupted: string[] }> {
  return ledger.transaction(async (tx) => {
    // Read-then-append: hold the chain lock before reading (PostgreSQL takes it lazily).
    await tx.lock();
    const open = await tx.query<RunRow>(
      `SELECT s.run_id, s.body FROM runs s
       WHERE s.check_id = ? AND s.period_key = ? AND s.event = 'started'
         AND NOT EXISTS (SELECT 1 FROM runs e WHERE e.run_id = s.run_id AND e.event <> 'started')`,
      [start.check, start.period.key],
    );
    for (const row of open) {
      const earlier = parseBody<RunStart>(row);
      await tx.append({
        table: 'runs',
        event: 'interrupted',
        keys: { run_id: row.run_id, check_id: start.check, service_id: start.service, period_key: start.period.key, status: 'error' },
        body: { ...earlier, interruptedBy: start.runId, error: 'the worker stopped before this attempt finished (crash, kill or lost lock)' },
      });
    }
    await tx.append({
      table: 'runs',
      event: 'started',
      keys: { run_id: start.runId, check_id: start.check, service_id: start.service, period_key: start.period.key, status: null },
      body: start,
    });
    return { interrupted: open.map((r) => r.run_id) };
  });
}

export async function recordRunFinished(ledger: Ledger, result: Result): Promise<void> {
  await ledger.append(finishedRow(result));
}

function finishedRow(result: Result): AppendInput {
  return {
    table: 'runs',
    event: 'finished',
    keys: { run_id: result.runId, check_id: result.check, service_id: result.service, period_key: result.period.key, status: result.status },
    body: result,
  };
}

/**
 * Records a result that arrives late (from the spool) unless its run already has a finished row
 * (a spool flushed twice). If the period got a newer final result meanwhile (catch-up ran it
 * again elsewhere), the late one is recorded as `superseded`: kept in the chain with its
 * evidence, but not "the result" of the period.
 */
export async function recordRunFinishedOnce(ledger: Ledger, result: Result): Promise<boolean> {
  return ledger.transaction(async (tx) => {
    await tx.lock();
    const [existing] = await tx.query("SELECT 1 AS x FROM runs WHERE run_id = ? AND event IN ('finished', 'superseded')", [result.runId]);
    if (existing) return false;
    const newer = await tx.query<RunRow>('SELECT body FROM latest_runs WHERE check_id = ? AND period_key = ?', [result.check, result.period.key]);
    const supersededBy = newer.map((r) => parseBody<Result>(r)).find((r) => Date.parse(r.startedAt) > Date.parse(result.startedAt));
    await tx.append(supersededBy && result.status !== 'error' ? { ...finishedRow({ ...result, supersededBy: supersededBy.runId }), event: 'superseded' } : finishedRow(result));
    return true;
  });
}

/** The latest final result of (check, period), if any. */
export async function latestResult(ledger: Ledger, check: string, periodKey: string): Promise<Result | undefined> {
  const [row] = await ledger.query<RunRow>('SELECT body FROM latest_runs WHERE check_id = ? AND period_key = ?', [check, periodKey]);
  return row ? parseBody<Result>(row) : undefined;
}

/**
 * Final results of a check scheduled strictly before `before` (ISO), newest scheduled first.
 * Ordered by scheduled instant, not by seq: a late catch-up is recorded after newer periods.
 */
export async function previousResults(ledger: Ledger, check: string, before: string, limit = 20): Promise<Result[]> {
  const rows = await ledger.query<RunRow>('SELECT body FROM latest_runs WHERE check_id = ? ORDER BY seq DESC LIMIT 1000', [check]);
  const cutoff = Date.parse(before);
  return rows
    .map((r) => parseBody<Result>(r))
    .filter((r) => Date.parse(r.scheduledAt) < cutoff)
    .sort((a, b) => Date.parse(b.scheduledAt) - Date.parse(a.scheduledAt))
    .slice(0, limit);
}

/** Period keys of a check that have a final result. */
export async function recordedPeriods(ledger: Ledger, check: string): Promise<Set<string>> {
  const rows = await ledger.query<{ period_key: string }>('SELECT period_key FROM latest_runs WHERE check_id = ?', [check]);
  return new Set(rows.map((r) => r.period_key));
}

export interface HistoryQuery {
  check?: string;
  service?: string;
  limit?: number;
  /** Include attempts that failed and were retried (status error). */
  includeErrors?: boolean;
}

/** Finished attempts, newest first. */
export async function listResults(ledger: Ledger, q: HistoryQuery = {}): Promise<Result[]> {
  const where = ["event = 'finished'"];
  const params: Array<string | number> = [];
  if (!q.includeErrors) where.push("status <> 'error'");
  if (q.check) {
    where.push('check_id = ?');
    params.push(q.check);
  }
  if (q.service) {
    where.push('service_id = ?');
    params.push(q.service);
  }
  params.push(q.limit ?? 20);
  const rows = await ledger.query<RunRow>(`SELECT body FROM runs WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`, params);
  return rows.map((r) => parseBody<Result>(r));
}

/** Every row of one (check, period): started, finished, interrupted; oldest first. */
export async function attemptsOf(ledger: Ledger, check: string, periodKey: string): Promise<Array<{ event: string; runId: string; status: string | null; body: unknown }>> {
  const rows = await ledger.query<RunRow>('SELECT event, run_id, status, body FROM runs WHERE check_id = ? AND period_key = ? ORDER BY seq', [check, periodKey]);
  return rows.map((r) => ({ event: r.event, runId: r.run_id, status: r.status, body: parseBody(r) }));
}

/** The latest final result of every check, keyed by check id. */
export async function lastResultPerCheck(ledger: Ledger): Promise<Map<string, Result>> {
  const rows = await ledger.query<RunRow>(
    `SELECT body FROM runs r WHERE r.seq IN (SELECT MAX(seq) FROM latest_runs GROUP BY check_id)`,
  );
  const out = new Map<string, Result>();
  for (const row of rows) {
    const r = parseBody<Result>(row);
    out.set(r.check, r);
  }
  return out;
}

export async function findRun(ledger: Ledger, runId: string): Promise<Result | undefined> {
  const [row] = await ledger.query<RunRow>("SELECT body FROM runs WHERE run_id = ? AND event = 'finished' ORDER BY seq DESC LIMIT 1", [runId]);
  return row ? parseBody<Result>(row) : undefined;
}
