import { errorMessage } from '../../lib/errors.js';
import type { Delivery } from '../delivery.js';
import type { NotifyEnv, Stage } from '../stage.js';
import type { Transports } from '../transports/index.js';
import { DeliveryError } from '../transports/types.js';

/**
 * Hands the message to the configured transport. Never throws for a delivery problem: the
 * classified outcome goes to the record stage, which writes it to the ledger.
 */
export function sendStage(env: NotifyEnv, transports: Transports): Stage<Delivery> {
  return {
    name: 'send',
    async exec(item) {
      const message = item.pending;
      if (message.to.length === 0 && message.cc.length === 0) {
        const error = new DeliveryError('no recipients: the contact groups of this notification are empty or no longer defined; check contacts in the config', {
          retryable: false,
          code: 'ENORECIPIENTS',
        });
        return { ...item, outcome: { ok: false, error } };
      }
      try {
        const transport = transports.for(env.config());
        const receipt = await transport.send(message);
        return { ...item, outcome: { ok: true, receipt, transport: transport.name } };
      } catch (err) {
        const error = err instanceof DeliveryError ? err : new DeliveryError(errorMessage(err), { retryable: true });
        return { ...item, outcome: { ok: false, error } };
      }
    },
  };
}
