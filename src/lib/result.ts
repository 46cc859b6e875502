import type { NotificationRequest } from '../notify/request.js';

/**
 * The Result of one attempt of one check (spec section 7). This is what the ledger stores, what
 * `run --wait --json` and `history --json` print, and what emails and exports are built from.
 */
export const STATUSES = ['pass', 'warn', 'fail', 'inconclusive'] as const;
export type Status = (typeof STATUSES)[number];
/** An attempt that failed and will be retried is recorded with status `error`; it is never final. */
export type AttemptStatus = Status | 'error';

export type Severity = 'info' | 'warn' | 'fail';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  data?: Record<string, unknown>;
  caseId?: string;
  /** YYYY-MM-DD, for findings that are cases with a deadline. */
  deadline?: string;
}

export interface EvidenceRef {
  /** Relative to the archive root: <service>/<check>/<period>/<runId>/<file>. */
  path: string;
  sha256: string;
  bytes: number;
}

export type Trigger = 'schedule' | 'catch-up' | 'manual' | 'local';

export interface Result {
  runId: string;
  check: string;
  type: string;
  service: string;
  period: { key: string; start: string; end: string };
  scheduledAt: string;
  startedAt: string;
  finishedAt: string;
  attempt: number;
  status: AttemptStatus;
  summary: string;
  metrics: Record<string, unknown>;
  findings: Finding[];
  evidence: EvidenceRef[];
  trigger?: Trigger;
  jobId?: string;
  /** Set when the attempt ended in an error (the message, never a stack or a secret). */
  error?: string;
  /** A late result (from the spool) that a newer run of the same period had already replaced. */
  supersededBy?: string;
  /**
   * Emails this run asked for, kept with the Result so a request is never lost between
   * recording the run and the notification intake (src/notify/recover.ts resubmits it).
   */
  notifications?: NotificationRequest[];
}

/** Worst status first: used to combine sub-results. */
export function worstStatus(statuses: Status[]): Status {
  const rank: Record<Status, number> = { pass: 0, warn: 1, inconclusive: 2, fail: 3 };
  return statuses.reduce<Status>((worst, s) => (rank[s] > rank[worst] ? s : worst), 'pass');
}
