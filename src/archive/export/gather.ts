import { DateTime } from 'luxon';
import type { Config, Service } from '../../config/normalize.js';
import { GENESIS_HASH, parseBody, type Ledger } from '../../ledger/ledger.js';
import type { Locale } from '../../lib/i18n.js';
import type { Result } from '../../lib/result.js';
import { gatherCases, gatherEvents, gatherNotifications } from './gather-records.js';
import { byCodeUnits, complaintSections, policySections, safetyLogSections } from './gather-sections.js';
import type { CheckRuns, EvidenceItem, PackageData } from './model.js';
import { addMonths, type ExportWindow } from './window.js';
import { currentDue } from '../../calendar/due-dates.js';
import { isMonthEvidenceDue } from '../../calendar/month-due.js';
import { obligationCompletions } from '../../ledger/obligations.js';

/**
 * Reads everything the package shows, as of one chain head: every query is bounded by
 * `seq <= head`, so rows a running daemon appends meanwhile are neither shown nor packaged, and
 * the page, the evidence list and ledger.jsonl describe the same state.
 */
export async function gatherPackage(ledger: Ledger, config: Config, service: Service, window: ExportWindow, locale: Locale): Promise<PackageData> {
  const head = await headWithTime(ledger);
  const ctx: GatherContext = { ledger, config, service, window, head: head.seq, startIso: utcIso(window.start), endIso: utcIso(window.end) };

  const { checks, evidence } = await gatherRuns(ctx);
  const cases = await gatherCases(ctx);
  const notifications = await gatherNotifications(ctx, cases.map((c) => c.caseId));
  const events = await gatherEvents(ctx);
  evidence.push(...events.evidence);

  // "Now" for the page is the head's time, never the clock: the same ledger renders the same page.
  const asOf = head.at ? DateTime.fromISO(head.at, { zone: config.timezone }) : window.end;
  // The same rule as the pre-review readiness: a month is missing only once its collection day is over.
  const dueMonths = new Set(window.months.filter((m) => isMonthEvidenceDue(m, asOf, config.timezone)));

  return {
    locale,
    timezone: config.timezone,
    service: { id: service.id, name: service.name, filing: service.filing },
    obligations: await Promise.all(
      service.obligations.map(async (o) => ({
        id: o.id,
        title: o.title,
        rule: typeof o.due === 'string' ? o.due : `${o.due.every}:${o.due.from}`,
        next: currentDue(o.due, await obligationCompletions(ledger, service.id, o.id, head.seq)),
      })),
    ),
    window,
    head,
    dueMonths,
    checks,
    safetyLogs: safetyLogSections(config, checks, window, dueMonths),
    policy: policySections(config, checks, window),
    complaints: complaintSections(checks, window, config.timezone),
    cases,
    notifications,
    events: events.items,
    evidence: dedupe(evidence),
    // The whole chain, genesis to head (see LedgerRange).
    ledger: { fromSeq: 1, toSeq: head.seq, anchor: { seq: 0, hash: GENESIS_HASH } },
  };
}

export interface GatherContext {
  ledger: Ledger;
  config: Config;
  service: Service;
  window: ExportWindow;
  /** The chain head's seq: nothing after it is read. */
  head: number;
  startIso: string;
  endIso: string;
}

/** Ledger `at` values are UTC ISO strings of one format, so they compare as strings. */
export function utcIso(d: { toUTC(): { toISO(): string | null } }): string {
  return d.toUTC().toISO()!;
}

async function headWithTime(ledger: Ledger): Promise<PackageData['head']> {
  const head = await ledger.head();
  const [row] = head.seq > 0 ? await ledger.chainRows(head.seq - 1, head.seq) : [];
  return row ? { ...head, at: row.at } : head;
}

interface RunRow {
  seq: number | string;
  check_id: string;
  period_key: string;
  status: string | null;
  body: string;
}

/**
 * Finished attempts of the service's checks whose period lies in the window (a month key, or a
 * day key inside one of the months). The final result of a period is its latest attempt that is
 * not a retried error, as in the latest_runs view, but computed here up to the head. Final
 * results of the month after the window are kept apart (`following`, no evidence): complaint-sla
 * records a month's complete figures in the first run of the next month.
 */
async function gatherRuns(ctx: GatherContext): Promise<{ checks: CheckRuns[]; evidence: EvidenceItem[] }> {
  const afterLast = addMonths(ctx.window.to, 1);
  const rows = await ctx.ledger.query<RunRow>(
    `SELECT seq, check_id, period_key, status, body FROM runs
     WHERE service_id = ? AND event = 'finished' AND seq <= ? AND period_key >= ? AND period_key < ?
     ORDER BY seq`,
    [ctx.service.id, ctx.head, ctx.window.from, addMonths(ctx.window.to, 2)],
  );
  const checks = new Map<string, CheckRuns>();
  for (const c of ctx.config.checks.filter((c) => c.service === ctx.service.id)) {
    checks.set(c.id, { id: c.id, type: c.type, configured: true, cron: c.cron, byPeriod: new Map(), following: new Map() });
  }
  const evidence: EvidenceItem[] = [];
  const attempts = new Map<string, number>();
  for (const row of rows) {
    const seq = Number(row.seq);
    const result = parseBody<Result>(row);
    const inWindow = row.period_key < afterLast;
    let check = checks.get(row.check_id);
    if (!check && !inWindow) continue;
    if (inWindow) for (const ref of result.evidence ?? []) evidence.push({ ...ref, seq });
    const key = `${row.check_id}\u0000${row.period_key}`;
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    if (!check) {
      check = { id: row.check_id, type: result.type ?? 'unknown', configured: false, byPeriod: new Map(), following: new Map() };
      checks.set(row.check_id, check);
    }
    if (row.status === 'error') continue;
    (inWindow ? check.byPeriod : check.following).set(row.period_key, { seq, result, attempts: 0 });
  }
  for (const check of checks.values()) {
    for (const [period, run] of [...check.byPeriod, ...check.following]) run.attempts = attempts.get(`${check.id}\u0000${period}`) ?? 1;
  }
  const ordered = [...checks.values()].sort((a, b) => Number(b.configured) - Number(a.configured) || (a.configured ? 0 : byCodeUnits(a.id, b.id)));
  return { checks: ordered, evidence };
}

function dedupe(items: EvidenceItem[]): EvidenceItem[] {
  const seen = new Map<string, EvidenceItem>();
  for (const item of items) if (!seen.has(item.path)) seen.set(item.path, item);
  return [...seen.values()].sort((a, b) => byCodeUnits(a.path, b.path));
}
