import type { Dispatch } from './outgoing.js';
import { deliver, exponentialDelay } from './pipeline.js';
import type { NotifyEnv } from './stage.js';
import type { Transports } from './transports/index.js';

/**
 * Delivers right away in this process, one attempt: for `run --local` (no daemon needed) and
 * tests. What cannot go out now (quiet hours, a refused connection) stays `pending` in the
 * ledger; the daemon's recovery sweep queues it with the normal retries.
 */
export function inlineDispatch(env: NotifyEnv, transports: Transports): Dispatch {
  return async (pending) => {
    if (pending.holdUntil && Date.parse(pending.holdUntil) > env.clock.now().toMillis()) return;
    const mail = env.config().mail;
    await deliver(env, transports, pending.key, {
      attempt: 1,
      // One attempt here, but never the last: a retryable failure must stay pending for the daemon.
      maxAttempts: Math.max(2, mail.retries),
      retryDelayMs: exponentialDelay(mail.retryDelaySeconds * 1000),
    });
  };
}
