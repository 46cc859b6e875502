import type { Locale } from '../../lib/i18n.js';
import type { EvidenceRef, Result } from '../../lib/result.js';
import type { ExportWindow } from './window.js';

/**
 * What the review package shows, gathered once from the ledger (as of one chain head) and then
 * rendered into index.html and manifest.json. Everything here is derived from rows that also go
 * into ledger.jsonl, so a reviewer can trace every figure on the page to a hashed row.
 */
export interface PackageData {
  locale: Locale;
  timezone: string;
  service: { id: string; name: string; filing: { number: string; approvedOn?: string; kind: string } };
  obligations: Array<{ id: string; title: string; rule: string; next?: string }>;
  window: ExportWindow;
  /** The chain head the package was cut at; `at` is that row's time (undefined for an empty ledger). */
  head: { seq: number; hash: string; at?: string };
  /** Months whose evidence is due by the head's time (src/calendar/month-due.ts); the others are "not yet due", not missing. */
  dueMonths: Set<string>;
  checks: CheckRuns[];
  safetyLogs: SafetyLogSection[];
  policy: PolicySection[];
  complaints: ComplaintSection[];
  cases: CaseView[];
  notifications: NotificationView[];
  events: EventView[];
  evidence: EvidenceItem[];
  ledger: LedgerRange;
}

/**
 * The rows in ledger.jsonl. A package always carries the whole chain, from the genesis (fromSeq
 * 1 after the anchor seq 0 with the genesis hash) to the head at export, every table and every
 * service: a chain that must start at the genesis and end at a head published elsewhere cannot
 * lose rows at either end, so the rows that say which evidence a window needs cannot be cut.
 */
export interface LedgerRange {
  /** First and last seq in ledger.jsonl (toSeq is the head). fromSeq > toSeq means no rows. */
  fromSeq: number;
  toSeq: number;
  /** The row before the first one: seq 0 and the genesis hash. */
  anchor: { seq: number; hash: string };
}

/** One final result (the latest final attempt of a period) with the row it came from. */
export interface FinalRun {
  seq: number;
  result: Result;
  /** Finished attempts recorded for this period, retries and superseded ones included. */
  attempts: number;
}

/** All final results of one check of the service in the window, keyed by period. */
export interface CheckRuns {
  id: string;
  type: string;
  configured: boolean;
  cron?: string;
  byPeriod: Map<string, FinalRun>;
  /** Final results of the month after the window (not shown, no evidence; see ComplaintMonth). */
  following: Map<string, FinalRun>;
}

export interface SafetyLogMonth {
  month: string;
  state: 'present' | 'missing' | 'future';
  run?: FinalRun;
  total?: number;
  passed?: number;
  blocked?: number;
  reviewed?: number;
  malformed?: number;
  violationRate?: number;
}

export interface SafetyLogSection {
  check: string;
  thresholds: { warn: number; fail: number };
  months: SafetyLogMonth[];
  /** Window totals by category (from each month's byCategory). */
  categories: Array<{ category: string; total: number; blocked: number }>;
}

export interface PolicyMonth {
  month: string;
  runs: FinalRun[];
  last?: FinalRun;
  keywordEntries?: number;
  keywordUnchangedDaysMax?: number;
  refuseEntries?: number;
  answerEntries?: number;
  bankUnchangedDaysMax?: number;
}

export interface PolicySection {
  check: string;
  keywordDays: { warn: number; fail: number };
  months: PolicyMonth[];
}

/** One month of complaint handling: complaint-sla's figures for the complaints received in it. */
export interface ComplaintMonth {
  month: string;
  /** The final runs whose period (a day) lies in this month. */
  runs: FinalRun[];
  /**
   * Where the figures come from: `complete`, the `previousMonth` figures of the first run of the
   * next month (normally the run on the 1st); until that run exists, `partial`, the
   * `monthToDate` figures of the month's last run, as of its instant.
   */
  source?: { kind: 'complete' | 'partial'; run: FinalRun; asOf: string };
  figures?: ComplaintFigures;
}

/** The figures of complaint-sla's WindowMetrics the page shows (response times in working days). */
export interface ComplaintFigures {
  received?: number;
  responded?: number;
  open?: number;
  late?: number;
  overdueOpen?: number;
  compliance?: number;
  medianDays?: number;
  p95Days?: number;
}

export interface ComplaintSection {
  check: string;
  months: ComplaintMonth[];
}

export interface CaseView {
  caseId: string;
  check: string;
  code?: string;
  /** What the case is about (CaseRecord.title). */
  title?: string;
  state: string;
  firstSeen: string;
  deadline?: string;
  /** How it was closed (CaseResolution): why, by whom, when, the filing reference. */
  resolution?: { reason?: string; by?: string; at: string; ref?: string; note?: string };
}

export interface NotificationView {
  key: string;
  state: string;
  createdAt: string;
  sentAt?: string;
  recipients: string[];
  subject?: string;
  /** Not about one service (the daily digest): shown, but marked general. */
  general: boolean;
}

export interface EventView {
  at: string;
  event: string;
  subject: string;
  details: Array<[string, string]>;
}

export interface EvidenceItem extends EvidenceRef {
  /** The ledger row that lists this file. */
  seq: number;
}
