import { listNotifications, notificationExists, type PendingNotification } from '../ledger/notifications.js';
import { parseBody } from '../ledger/ledger.js';
import { errorMessage } from '../lib/errors.js';
import type { Result } from '../lib/result.js';
import type { Notifier } from './pipeline.js';
import type { NotificationRequest } from './request.js';
import type { NotifyEnv } from './stage.js';

export interface SweepReport {
  requeued: string[];
  resubmitted: string[];
}

/**
 * Makes the ledger's promises whole after a crash or a lost Redis (run on worker start and
 * periodically):
 * - every `pending` notification is handed to `requeue` (idempotent: the job id is derived from
 *   the key), except ones that changed in the last `minAgeMs` (an inline delivery may be on it);
 * - every request listed in a recent finished run but absent from the ledger (the process died
 *   between recording the run and the intake) is submitted again.
 */
export async function sweepNotifications(
  env: NotifyEnv,
  notifier: Notifier,
  requeue: (pending: PendingNotification) => Promise<void>,
  opts: { orphanDays?: number; minAgeMs?: number } = {},
): Promise<SweepReport> {
  const now = env.clock.now();
  const report: SweepReport = { requeued: [], resubmitted: [] };
  const cutoff = now.toMillis() - (opts.minAgeMs ?? 120_000);
  for (const view of await listNotifications(env.ledger, ['pending'], 10_000)) {
    if (!view.pending || Date.parse(view.updatedAt) > cutoff) continue;
    try {
      await requeue(view.pending);
      report.requeued.push(view.key);
    } catch (err) {
      env.logger.warn({ key: view.key, err: errorMessage(err) }, 'could not re-queue a pending notification');
    }
  }

  const since = now.minus({ days: opts.orphanDays ?? 7 }).toUTC().toISO()!;
  const rows = await env.ledger.query<{ body: string }>(
    `SELECT body FROM runs WHERE event = 'finished' AND at >= ? AND body LIKE '%"notifications":[{%' ORDER BY seq`,
    [since],
  );
  for (const row of rows) {
    const result = parseBody<Result & { notifications?: NotificationRequest[] }>(row);
    for (const request of result.notifications ?? []) {
      if (await notificationExists(env.ledger, request.key)) continue;
      const origin = { kind: 'check' as const, checkId: result.check, service: result.service, runId: result.runId, period: result.period.key };
      await notifier.submit([request], origin);
      report.resubmitted.push(request.key);
    }
  }
  if (report.requeued.length || report.resubmitted.length) env.logger.info(report, 'notification sweep');
  return report;
}
