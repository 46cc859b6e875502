import type { DateTime } from 'luxon';
import { localDate } from '../calendar/due-dates.js';
import type { Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import { listNotifications, listUndelivered, type NotificationView } from '../ledger/notifications.js';
import { openCases, type OpenCase } from '../ledger/open-cases.js';
import { lastResultPerCheck, latestResult, previousResults } from '../ledger/runs.js';
import { obligationStatuses, type ObligationStatus } from './obligations.js';
import { computeReadiness, type Readiness } from './readiness.js';

/** One email's state, as `status` and the digest show it. */
export interface NotificationBrief {
  key: string;
  state: string;
  subject: string;
  to: string[];
  attempts: number;
  error?: string;
  updatedAt: string;
  check?: string;
}

export interface ServiceStatus {
  id: string;
  name: string;
  filing: { number: string; approvedOn?: string };
  obligations: ObligationStatus[];
  checks: Array<{
    id: string;
    type: string;
    enabled: boolean;
    muted: boolean;
    last: { runId: string; period: string; status: string; finishedAt: string; summary: string } | null;
  }>;
  openCases: OpenCase[];
  notifications: { failed: NotificationBrief[]; retrying: NotificationBrief[] };
  /** For the most urgent obligation that is not done. */
  readiness: Readiness | null;
}

export interface StatusReport {
  asOf: string;
  timezone: string;
  services: ServiceStatus[];
  /** Emails not tied to one service (the daily digest). */
  notifications: { failed: NotificationBrief[]; retrying: NotificationBrief[] };
}

/** `dossier status`: per service, everything someone preparing the review needs to see at once. */
export async function buildStatus(ledger: Ledger, config: Config, now: DateTime): Promise<StatusReport> {
  const at = now.setZone(config.timezone);
  const today = localDate(at, config.timezone);
  const last = await lastResultPerCheck(ledger);
  const failed = await listUndelivered(ledger);
  const retrying = (await listNotifications(ledger, ['pending'])).filter((n) => n.attempts > 0);
  const source = {
    latestResult: (check: string, period: string) => latestResult(ledger, check, period),
    previousResults: (check: string, before: string, limit?: number) => previousResults(ledger, check, before, limit),
    openCases: (service: string) => openCases(ledger, service),
  };
  const services: ServiceStatus[] = [];
  for (const s of config.services) {
    const obligations = await obligationStatuses(ledger, config, s, today);
    const urgent = obligations.filter((o) => o.dueDate).sort((a, b) => a.daysLeft! - b.daysLeft!)[0];
    services.push({
      id: s.id,
      name: s.name,
      filing: { number: s.filing.number, ...(s.filing.approvedOn ? { approvedOn: s.filing.approvedOn } : {}) },
      obligations,
      checks: config.checks
        .filter((c) => c.service === s.id)
        .map((c) => {
          const r = last.get(c.id);
          const muted = c.mute === true || (typeof c.mute === 'object' && today <= c.mute.until);
          return {
            id: c.id,
            type: c.type,
            enabled: c.enabled,
            muted,
            last: r ? { runId: r.runId, period: r.period.key, status: r.status, finishedAt: r.finishedAt, summary: r.summary } : null,
          };
        }),
      openCases: await openCases(ledger, s.id),
      notifications: { failed: failed.filter((n) => n.origin?.service === s.id).map(brief), retrying: retrying.filter((n) => n.origin?.service === s.id).map(brief) },
      readiness: urgent ? await computeReadiness(source, config, s.id, urgent.dueDate!, at) : null,
    });
  }
  const known = new Set(config.services.map((s) => s.id));
  const general = (n: NotificationView) => !n.origin?.service || !known.has(n.origin.service);
  return {
    asOf: at.toISO()!,
    timezone: config.timezone,
    services,
    notifications: { failed: failed.filter(general).map(brief), retrying: retrying.filter(general).map(brief) },
  };
}

function brief(n: NotificationView): NotificationBrief {
  return {
    key: n.key,
    state: n.state,
    subject: n.subject ?? '',
    to: n.to,
    attempts: n.attempts,
    ...(n.lastError ? { error: n.lastError } : {}),
    updatedAt: n.updatedAt,
    ...(n.origin?.checkId ? { check: n.origin.checkId } : {}),
  };
}
