import type { DateTime } from 'luxon';
import { previousFireTime } from '../calendar/cron.js';
import { localDate } from '../calendar/due-dates.js';
import { periodFor } from '../calendar/period.js';
import { PERIOD_KIND, type Config } from '../config/normalize.js';
import type { Ledger } from '../ledger/ledger.js';
import { latestNotificationWithPrefix, listNotifications, listUndelivered, notificationExists, recordMuted, type NotificationView } from '../ledger/notifications.js';
import { openCases } from '../ledger/open-cases.js';
import { lastResultPerCheck, latestResult } from '../ledger/runs.js';
import { canonicalJson, sha256 } from '../lib/hash.js';
import type { Logger } from '../lib/logger.js';
import type { IntakeReport, Notifier } from '../notify/pipeline.js';
import type { DigestMail } from '../notify/templates/digest.js';
import { obligationStatuses } from './obligations.js';

/** Failed emails stay in the digest this long; after that `dossier status` still lists them. */
const FAILED_DAYS = 7;

/**
 * The daily digest (spec 5): every check's last run and status, checks that did not run when
 * expected, obligations, open cases by deadline, failed emails, and the ledger's hash-chain head,
 * which this email anchors outside the machine.
 */
export async function buildDigest(ledger: Ledger, config: Config, now: DateTime): Promise<DigestMail> {
  const zone = config.timezone;
  const at = now.setZone(zone);
  const last = await lastResultPerCheck(ledger);
  const checks: DigestMail['checks'] = [];
  for (const c of config.checks) {
    const r = last.get(c.id);
    checks.push({
      id: c.id,
      type: c.type,
      service: c.service,
      enabled: c.enabled,
      last: r ? { period: r.period.key, status: r.status, finishedAt: r.finishedAt, summary: r.summary } : null,
      missed: c.enabled ? await missedRun(ledger, config, c, at) : null,
    });
  }
  const today = localDate(at, zone);
  const obligations: DigestMail['obligations'] = [];
  for (const s of config.services) {
    for (const o of await obligationStatuses(ledger, config, s, today)) obligations.push({ service: s.id, id: o.id, title: o.title, dueDate: o.dueDate, daysLeft: o.daysLeft });
  }
  const cutoff = at.minus({ days: FAILED_DAYS }).toMillis();
  const brief = (n: NotificationView) => ({ key: n.key, subject: n.subject ?? '', error: n.lastError ?? '', attempts: n.attempts, at: n.updatedAt });
  const failed = (await listUndelivered(ledger)).filter((n) => Date.parse(n.updatedAt) >= cutoff).map(brief);
  const retrying = (await listNotifications(ledger, ['pending'])).filter((n) => n.attempts > 0).map(brief);
  const cases = await openCases(ledger);
  const content = {
    checks,
    obligations: obligations.map(({ daysLeft: _daysLeft, ...o }) => o),
    openCases: cases,
    notifications: { failed, retrying },
  };
  return {
    date: today,
    asOf: at.toISO()!,
    timezone: zone,
    checks,
    obligations,
    openCases: cases,
    notifications: { failed, retrying },
    head: await ledger.head(),
    fingerprint: sha256(canonicalJson(content)).slice(0, 32),
  };
}

/** The latest run the schedule expected (older than the grace) when it has no result. */
async function missedRun(ledger: Ledger, config: Config, check: Config['checks'][number], at: DateTime): Promise<DigestMail['checks'][number]['missed']> {
  const fire = previousFireTime(check.cron, config.timezone, at.minus({ minutes: check.graceMinutes }));
  if (!fire) return null;
  const period = periodFor(PERIOD_KIND[check.type], fire, config.timezone).key;
  if (await latestResult(ledger, check.id, period)) return null;
  return { expectedAt: fire.toISO()!, period };
}

export function digestKey(date: string): string {
  return `digest:${date}`;
}

/**
 * Builds and submits the digest for the day of `scheduledAt` (once per day: the key is the
 * date). With `digest.skipWhenUnchanged`, a day whose content matches the last digest's is
 * skipped.
 */
export async function sendDigest(
  deps: { config: Config; ledger: Ledger; logger: Logger; notifier: Notifier },
  scheduledAt: DateTime,
  now: DateTime,
): Promise<IntakeReport | { key: string; outcome: 'unchanged' | 'disabled' }> {
  const { config, ledger } = deps;
  const key = digestKey(localDate(scheduledAt, config.timezone));
  if (!config.digest.enabled) return { key, outcome: 'disabled' };
  if (await notificationExists(ledger, key)) return { key, outcome: 'duplicate' };
  const data = await buildDigest(ledger, config, now);
  if (config.digest.skipWhenUnchanged) {
    const previous = await latestNotificationWithPrefix(ledger, 'digest:');
    if (previous?.pending?.meta?.fingerprint === data.fingerprint) {
      // Recorded (as muted) so the day counts as handled: catch-up must not enqueue it again.
      await recordMuted(ledger, key, { origin: { kind: 'digest' }, to: [], cc: [], reason: 'nothing changed since the last digest (digest.skipWhenUnchanged)', at: now.toUTC().toISO()! });
      deps.logger.info({ key }, 'digest skipped: nothing changed since the last one (digest.skipWhenUnchanged)');
      return { key, outcome: 'unchanged' };
    }
  }
  const [report] = await deps.notifier.submit([{ key, to: config.digest.to, content: { template: 'digest', data } }], { kind: 'digest' });
  return report!;
}
