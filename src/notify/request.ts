import type { CaseMail, CheckResultMail } from './templates/check.js';
import type { DigestMail } from './templates/digest.js';
import type { PlainMail } from './templates/plain.js';
import type { PreReviewMail } from './templates/pre-review.js';

/** Which template renders a notification, with its data. */
export type NotificationContent =
  | { template: 'pre-review'; data: PreReviewMail }
  | { template: 'digest'; data: DigestMail }
  | { template: 'plain'; data: PlainMail }
  | { template: 'case'; data: CaseMail }
  | { template: 'check-result'; data: CheckResultMail };

/**
 * What a check (or the digest) asks to be emailed. Plain data: handlers build it without
 * knowing about queues or SMTP; the notification pipeline (src/notify) does the rest.
 */
export interface NotificationRequest {
  /**
   * The identity of this email: sent at most once per key, whatever retries, catch-ups or
   * repeated runs happen (e.g. `pre-review:assistant:annual-review:2027-03-15:T-30`).
   */
  key: string;
  /** Contact groups (keys of `contacts`). */
  to: string[];
  /** Contact groups copied (escalation). */
  cc?: string[];
  content: NotificationContent;
  /** Goes out even during mail.quietHours. */
  urgent?: boolean;
}
