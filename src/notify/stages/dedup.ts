import { notificationExists } from '../../ledger/notifications.js';
import type { Outgoing } from '../outgoing.js';
import { stop, type NotifyEnv, type Stage } from '../stage.js';

/**
 * Drops a request whose key the ledger already holds (sent, pending, failed or muted): the same
 * reminder asked for by a retry, a catch-up run or a second run at the same instant. This is the
 * cheap early exit; the queue stage's claim under the chain lock is what makes it airtight.
 */
export function dedupStage(env: NotifyEnv): Stage<Outgoing> {
  return {
    name: 'dedup',
    async exec(item) {
      if (await notificationExists(env.ledger, item.request.key)) return stop('duplicate');
      return item;
    },
  };
}
