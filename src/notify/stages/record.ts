import { recordAttemptFailed, recordFailed, recordSent } from '../../ledger/notifications.js';
import { retryLedgerWrite } from '../../ledger/retry.js';
import type { Delivery } from '../delivery.js';
import type { NotifyEnv, Stage } from '../stage.js';

/**
 * Writes the attempt's outcome to the ledger: `sent` with the message id and time; `failed`
 * for a permanent error or the last attempt (visible in status and the digest); otherwise an
 * `attempt-failed` row, and the caller retries with backoff.
 */
export function recordStage(env: NotifyEnv, retryDelayMs: (attempt: number) => number): Stage<Delivery> {
  return {
    name: 'record',
    async exec(item) {
      const { pending, outcome, attempt, maxAttempts } = item;
      if (!outcome) throw new Error(`notification ${pending.key} reached the record stage unsent`);
      const now = env.clock.now().toUTC();
      if (outcome.ok) {
        // The server has the message: failing here would make BullMQ send it again, so a brief
        // database outage is waited out (ledger.writeRetrySeconds) before giving up.
        const config = env.config();
        await retryLedgerWrite(env.ledger, config.ledger.writeRetrySeconds, env.logger, `the sending of ${pending.key}`, () =>
          recordSent(env.ledger, pending.key, {
          attempt,
          sentAt: now.toISO()!,
          transport: outcome.transport,
          messageId: outcome.receipt.messageId,
          accepted: outcome.receipt.accepted,
          rejected: outcome.receipt.rejected,
          ...(outcome.receipt.response ? { response: outcome.receipt.response } : {}),
          ...(outcome.receipt.file ? { file: outcome.receipt.file } : {}),
          }),
        );
        return { ...item, result: { state: 'sent', receipt: outcome.receipt } };
      }
      const { error } = outcome;
      const base = { attempt, at: now.toISO()!, error: error.message, ...(error.code ? { code: error.code } : {}) };
      if (!error.retryable || attempt >= maxAttempts) {
        await recordFailed(env.ledger, pending.key, { ...base, permanent: !error.retryable });
        return { ...item, result: { state: 'failed', error: error.message, permanent: !error.retryable } };
      }
      const nextAttemptAt = now.plus({ milliseconds: retryDelayMs(attempt) }).toISO()!;
      await recordAttemptFailed(env.ledger, pending.key, { ...base, nextAttemptAt });
      return { ...item, result: { state: 'retry', error: error.message, nextAttemptAt } };
    },
  };
}
