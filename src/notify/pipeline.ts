import { loadNotification, type NotificationOrigin } from '../ledger/notifications.js';
import { errorMessage } from '../lib/errors.js';
import type { Delivery, DeliveryResult } from './delivery.js';
import type { Dispatch, Outgoing } from './outgoing.js';
import type { NotificationRequest } from './request.js';
import { runStages, type NotifyEnv } from './stage.js';
import { dedupStage } from './stages/dedup.js';
import { muteStage } from './stages/mute.js';
import { queueStage } from './stages/queue.js';
import { recordStage } from './stages/record.js';
import { renderStage } from './stages/render.js';
import { sendStage } from './stages/send.js';
import type { Transports } from './transports/index.js';

/** What happened to one request at intake. */
export interface IntakeReport {
  key: string;
  outcome: 'queued' | 'duplicate' | 'muted' | 'error';
  holdUntil?: string;
  error?: string;
}

/** Accepts notification requests (from a check run or the digest). */
export interface Notifier {
  submit(requests: NotificationRequest[], origin: NotificationOrigin): Promise<IntakeReport[]>;
}

/**
 * Intake: dedup → mute → render → queue. One request failing (a template bug, the ledger
 * briefly locked) does not stop the others; it is reported, and since the run's Result lists
 * its requests, the recovery sweep submits it again later.
 */
export function createNotifier(env: NotifyEnv, dispatch: Dispatch): Notifier {
  const stages = [dedupStage(env), muteStage(env), renderStage(env), queueStage(env, dispatch)];
  return {
    async submit(requests, origin) {
      const reports: IntakeReport[] = [];
      for (const request of requests) {
        const item: Outgoing = { request, origin };
        try {
          const out = await runStages(stages, item);
          if (out.done) reports.push({ key: request.key, outcome: 'queued', ...(out.item.holdUntil ? { holdUntil: out.item.holdUntil } : {}) });
          else reports.push({ key: request.key, outcome: out.reason === 'muted' ? 'muted' : 'duplicate' });
          env.logger.info({ key: request.key, outcome: reports.at(-1)!.outcome, check: origin.checkId }, 'notification intake');
        } catch (err) {
          reports.push({ key: request.key, outcome: 'error', error: errorMessage(err) });
          env.logger.error({ key: request.key, err: errorMessage(err) }, 'notification intake failed; the recovery sweep will retry it');
        }
      }
      return reports;
    },
  };
}

export interface DeliverOptions {
  attempt: number;
  maxAttempts: number;
  /** Delay before attempt n+1 (the queue's backoff), for the ledger's nextAttemptAt. */
  retryDelayMs: (attempt: number) => number;
}

/**
 * Delivery: one attempt of send → record for the notification `key`, loaded from the ledger (the
 * source of truth, so a job that outlived a Redis flush or a duplicate job finds it already
 * sent and does nothing).
 */
export async function deliver(env: NotifyEnv, transports: Transports, key: string, opts: DeliverOptions): Promise<DeliveryResult> {
  const view = await loadNotification(env.ledger, key);
  if (!view?.pending) return { state: 'skipped', reason: 'no pending notification with this key' };
  if (view.state !== 'pending') return { state: 'skipped', reason: `already ${view.state}` };
  const item: Delivery = { pending: view.pending, attempt: opts.attempt, maxAttempts: opts.maxAttempts };
  const out = await runStages([sendStage(env, transports), recordStage(env, opts.retryDelayMs)], item);
  const result = out.done ? out.item.result : undefined;
  if (!result) throw new Error(`delivery of ${key} ended without a result`);
  const log = { key, attempt: opts.attempt, state: result.state, ...(result.state === 'retry' || result.state === 'failed' ? { err: result.error } : {}) };
  if (result.state === 'sent') env.logger.info(log, 'notification sent');
  else env.logger.warn(log, result.state === 'retry' ? 'notification attempt failed; will retry' : 'notification failed');
  return result;
}

/** The queue's exponential backoff: base, 2·base, 4·base, … */
export function exponentialDelay(baseMs: number): (attempt: number) => number {
  return (attempt) => baseMs * 2 ** Math.max(0, attempt - 1);
}
