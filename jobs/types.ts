import type { DateTime } from 'luxon';
import type { Period } from '../src/calendar/period.js';
import type { CheckType } from '../src/config/schema.js';
import type { CheckOf, Config, Service } from '../src/config/normalize.js';
import type { EvidenceWriter } from '../src/archive/store.js';
import type { CasePort } from '../src/ledger/case-observe.js';
import type { Clock } from '../src/lib/clock.js';
import type { Logger } from '../src/lib/logger.js';
import type { Finding, Result, Status } from '../src/lib/result.js';
import type { IsWorkingDay } from '../src/calendar/workdays.js';
import type { ObligationDone } from '../src/ledger/obligations.js';
import type { OpenCase } from '../src/ledger/open-cases.js';
import type { NotificationRequest } from '../src/notify/request.js';

/**
 * The contract between the worker and a check: a plain async function from input and context to
 * an outcome. Handlers never import BullMQ, Redis or SMTP; they read sources, write evidence
 * through `ctx.evidence`, read earlier results through `ctx.ledger`, and say what they found.
 * The worker adds ids and timestamps, records the Result and seals the evidence.
 */
export interface CheckInput<T extends CheckType = CheckType> {
  check: CheckOf<T>;
  service: Service;
  period: Period;
  /** The nominal instant this run stands for (the schedule's fire time, or --at). */
  scheduledAt: DateTime;
}

/** Read-only view of earlier results. */
export interface LedgerReader {
  /** Final results of `check` scheduled before `before` (ISO), newest scheduled first. */
  previousResults(check: string, before: string, limit?: number): Promise<Result[]>;
  latestResult(check: string, periodKey: string): Promise<Result | undefined>;
  /** Open and acknowledged cases of a service, earliest deadline first. */
  openCases(service: string): Promise<OpenCase[]>;
  /** Recorded completions of an obligation (`dossier obligation done`), oldest first. */
  obligationCompletions(service: string, obligation: string): Promise<ObligationDone[]>;
}

export interface CheckContext {
  config: Config;
  clock: Clock;
  logger: Logger;
  evidence: EvidenceWriter;
  ledger: LedgerReader;
  /** Cases of this check: report what the run observes, get them back with frozen deadlines. */
  cases: CasePort;
  runId: string;
  attempt: number;
  /** Aborted on timeout or forced shutdown; long reads should stop when it fires. */
  signal: AbortSignal;
  /** Working-day calendar for "every working day" rules (YYYY-MM-DD in the configured zone). */
  isWorkingDay: IsWorkingDay;
}

export interface CheckOutcome {
  status: Status;
  summary: string;
  metrics: Record<string, unknown>;
  findings: Finding[];
  /**
   * Emails this run asks for. The worker hands them to the notification pipeline after the
   * Result is recorded; each key is sent at most once, however often the run is repeated.
   */
  notifications?: NotificationRequest[];
}

export interface CheckHandler<T extends CheckType = CheckType> {
  type: T;
  run(input: CheckInput<T>, ctx: CheckContext): Promise<CheckOutcome>;
}
