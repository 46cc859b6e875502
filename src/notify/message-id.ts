import { sha256 } from '../lib/hash.js';

/**
 * Message-ID derived from the notification key (RFC 5322 msg-id): a resend after a crash carries
 * the same id, so mail clients and the people reading can tell it is the same message.
 */
export function messageIdFor(key: string, from: string): string {
  return `<${sha256(key).slice(0, 32)}.dossier@${domainOf(from)}>`;
}

function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.split('@')[1]?.trim().toLowerCase();
  return domain && /^[a-z0-9.-]+$/.test(domain) ? domain : 'dossier.local';
}
