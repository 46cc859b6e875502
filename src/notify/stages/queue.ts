import { claimPending } from '../../ledger/notifications.js';
import { errorMessage } from '../../lib/errors.js';
import type { Dispatch, Outgoing } from '../outgoing.js';
import { stop, type NotifyEnv, type Stage } from '../stage.js';

/**
 * Writes the `pending` row (the durable promise to send; a key already there stops here) and
 * hands the notification to `dispatch`. If dispatching fails (Redis away), the row stays
 * pending and the recovery sweep (recover.ts) queues it again: nothing is lost.
 */
export function queueStage(env: NotifyEnv, dispatch: Dispatch): Stage<Outgoing> {
  return {
    name: 'queue',
    async exec(item) {
      const pending = item.pending;
      if (!pending) throw new Error(`notification ${item.request.key} reached the queue stage unrendered`);
      if ((await claimPending(env.ledger, pending)) === 'duplicate') return stop('duplicate');
      try {
        await dispatch(pending);
      } catch (err) {
        env.logger.warn({ key: pending.key, err: errorMessage(err) }, 'notification recorded as pending but not queued; the recovery sweep will queue it');
      }
      return item;
    },
  };
}
