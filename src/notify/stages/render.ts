import { findService, type Config } from '../../config/normalize.js';
import { canonicalJson, sha256 } from '../../lib/hash.js';
import type { Locale } from '../../lib/i18n.js';
import { messageIdFor } from '../message-id.js';
import type { Outgoing } from '../outgoing.js';
import { resolveRecipients } from '../recipients.js';
import type { NotificationContent } from '../request.js';
import type { NotifyEnv, Stage } from '../stage.js';
import { renderCase, renderCheckResult } from '../templates/check.js';
import { renderDigest } from '../templates/digest.js';
import { renderPlain } from '../templates/plain.js';
import { renderPreReview } from '../templates/pre-review.js';
import type { Rendered } from '../templates/types.js';

/**
 * Turns the request into the exact message to send, once: recipients resolved from contact
 * groups, subject prefixed with the service name, text and HTML parts in the configured locale,
 * a Message-ID derived from the key. The result is what the ledger's pending row holds.
 */
export function renderStage(env: NotifyEnv): Stage<Outgoing> {
  return {
    name: 'render',
    async exec(item) {
      const config = env.config();
      const locale = config.locale;
      const body = renderContent(item.request.content, locale);
      const subject = `[${subjectPrefix(config, item.origin.service)}] ${body.subject}`;
      const { to, cc } = resolveRecipients(config, item.request.to, item.request.cc);
      return {
        ...item,
        pending: {
          key: item.request.key,
          origin: item.origin,
          from: config.mail.from,
          to,
          cc,
          subject,
          text: body.text,
          html: body.html,
          locale,
          messageId: messageIdFor(item.request.key, config.mail.from),
          bodySha256: sha256(canonicalJson({ text: body.text, html: body.html })),
          createdAt: env.clock.now().toUTC().toISO()!,
          ...(item.holdUntil ? { holdUntil: item.holdUntil } : {}),
          ...(item.request.content.template === 'digest' ? { meta: { fingerprint: item.request.content.data.fingerprint } } : {}),
        },
      };
    },
  };
}

export function renderContent(content: NotificationContent, locale: Locale): Rendered {
  switch (content.template) {
    case 'pre-review':
      return renderPreReview(content.data, locale);
    case 'digest':
      return renderDigest(content.data, locale);
    case 'plain':
      return renderPlain(content.data, locale);
    case 'case':
      return renderCase(content.data, locale);
    case 'check-result':
      return renderCheckResult(content.data, locale);
  }
}

/** The service's display name; for mail about every service (the digest), the one name if there is one. */
export function subjectPrefix(config: Config, serviceId?: string): string {
  const service = serviceId ? findService(config, serviceId) : config.services.length === 1 ? config.services[0] : undefined;
  return service?.name ?? 'Dossier';
}
