import { findCheck } from '../../config/normalize.js';
import { recordMuted } from '../../ledger/notifications.js';
import { resolveRecipients } from '../recipients.js';
import { quietUntil } from '../quiet-hours.js';
import type { Outgoing } from '../outgoing.js';
import { stop, type NotifyEnv, type Stage } from '../stage.js';

/**
 * A check's `mute` (true, or until a date in the configured zone, inclusive) suppresses its
 * emails: the suppression is recorded in the ledger, nothing is sent. `mail.quietHours` only
 * delays: a non-urgent email is held until the quiet hours end.
 */
export function muteStage(env: NotifyEnv): Stage<Outgoing> {
  return {
    name: 'mute',
    async exec(item) {
      const config = env.config();
      const now = env.clock.now();
      const check = item.origin.checkId ? findCheck(config, item.origin.checkId) : undefined;
      const reason = check ? muteReason(check.mute, now.setZone(config.timezone).toISODate()!) : undefined;
      if (reason !== undefined) {
        const r = resolveRecipients(config, item.request.to, item.request.cc);
        const recorded = await recordMuted(env.ledger, item.request.key, { origin: item.origin, to: r.to, cc: r.cc, reason, at: now.toUTC().toISO()! });
        return stop(recorded === 'recorded' ? 'muted' : 'duplicate');
      }
      if (item.request.urgent) return item;
      const until = quietUntil(now, config.timezone, config.mail.quietHours);
      return until ? { ...item, holdUntil: until.toUTC().toISO()! } : item;
    },
  };
}

function muteReason(mute: boolean | { until: string; reason?: string | undefined }, today: string): string | undefined {
  if (mute === true) return 'muted in config';
  if (mute && typeof mute === 'object' && today <= mute.until) return mute.reason ? `muted until ${mute.until}: ${mute.reason}` : `muted until ${mute.until}`;
  return undefined;
}
