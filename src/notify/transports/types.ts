import type { PendingNotification } from '../../ledger/notifications.js';

export interface TransportReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response?: string;
  /** Outbox: where the .eml file was written. */
  file?: string;
}

/** Sends one rendered message; throws DeliveryError saying whether a retry can help. */
export interface MailTransport {
  readonly name: 'outbox' | 'smtp';
  send(message: PendingNotification): Promise<TransportReceipt>;
  close(): void;
}

/**
 * A failed delivery, classified where it happened (style habit 4): `retryable` for a refused
 * connection, a timeout or a 4xx reply; not for bad credentials or a rejected recipient, where
 * retrying only repeats the failure (and can lock the account).
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly code?: string;
  readonly responseCode?: number;
  constructor(message: string, opts: { retryable: boolean; code?: string; responseCode?: number }) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = opts.retryable;
    this.code = opts.code;
    this.responseCode = opts.responseCode;
  }
}

/** The nodemailer message for a pending notification: stable fields only, so a resend is the same message. */
export function mailOptions(m: PendingNotification) {
  return {
    from: m.from,
    to: m.to,
    cc: m.cc.length ? m.cc : undefined,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: m.messageId,
    date: new Date(m.createdAt),
    headers: { 'X-Dossier-Key': m.key },
  };
}
