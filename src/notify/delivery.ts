import type { PendingNotification } from '../ledger/notifications.js';
import type { DeliveryError, TransportReceipt } from './transports/types.js';

/** The item delivery stages pass along. */
export interface Delivery {
  pending: PendingNotification;
  attempt: number;
  maxAttempts: number;
  /** Set by the send stage. */
  outcome?: { ok: true; receipt: TransportReceipt; transport: string } | { ok: false; error: DeliveryError };
  /** Set by the record stage. */
  result?: DeliveryResult;
}

/** What one delivery attempt came to. */
export type DeliveryResult =
  | { state: 'sent'; receipt: TransportReceipt }
  | { state: 'retry'; error: string; nextAttemptAt?: string }
  | { state: 'failed'; error: string; permanent: boolean }
  | { state: 'skipped'; reason: string };
