import type { NotificationOrigin, PendingNotification } from '../ledger/notifications.js';
import type { NotificationRequest } from './request.js';

/** The item intake stages pass along: the request, where it came from, what stages added. */
export interface Outgoing {
  request: NotificationRequest;
  origin: NotificationOrigin;
  /** Set by the mute stage during quiet hours. */
  holdUntil?: string;
  /** Set by the render stage. */
  pending?: PendingNotification;
}

/** Puts a pending notification on its way (the notification queue, or delivery right here). */
export type Dispatch = (pending: PendingNotification) => Promise<void>;
