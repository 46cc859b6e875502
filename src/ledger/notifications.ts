import type { Locale } from '../lib/i18n.js';
import { parseBody, type Ledger } from './ledger.js';

/**
 * Notifications in the ledger (spec 6). Every email is a `pending` row written before anything
 * is sent (with the full rendered message, so a lost Redis loses no email), then one row per
 * delivery outcome: `attempt-failed` (still pending, will retry), `sent` or `failed`. A
 * notification suppressed by a mute is a single `muted` row. The key is the dedup identity: a
 * key that has any row is never claimed again (the UNIQUE index on pending rows backs this up at
 * the database).
 */

export type NotificationState = 'pending' | 'sent' | 'failed' | 'muted';

/** Where a notification came from; stored with it for status, digest and export. */
export interface NotificationOrigin {
  kind: 'check' | 'digest' | 'system';
  checkId?: string;
  service?: string;
  runId?: string;
  period?: string;
}

/** The `pending` row: everything needed to send, rendered once. */
export interface PendingNotification {
  key: string;
  origin: NotificationOrigin;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  html: string;
  locale: Locale;
  messageId: string;
  /** sha256 of the canonical {text, html}: what was sent can be checked against the archive/export. */
  bodySha256: string;
  createdAt: string;
  /** Quiet hours: not before this instant. */
  holdUntil?: string;
  /** Extra facts a sender wants to find again (the digest's content fingerprint). */
  meta?: Record<string, unknown>;
}

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  error?: string;
  code?: string;
  permanent?: boolean;
  nextAttemptAt?: string;
}

export interface SentReceipt {
  attempt: number;
  sentAt: string;
  transport: string;
  messageId: string;
  accepted: string[];
  rejected: string[];
  response?: string;
  file?: string;
}

/** A notification's current state, folded from its rows. */
export interface NotificationView {
  key: string;
  state: NotificationState;
  origin?: NotificationOrigin;
  subject?: string;
  to: string[];
  cc: string[];
  createdAt?: string;
  holdUntil?: string;
  attempts: number;
  lastError?: string;
  sent?: SentReceipt;
  mutedReason?: string;
  pending?: PendingNotification;
  updatedAt: string;
}

interface NotificationRow {
  seq: number;
  at: string;
  event: string;
  notification_key: string;
  state: string;
  body: string;
}

export async function notificationExists(ledger: Ledger, key: string): Promise<boolean> {
  const rows = await ledger.query('SELECT 1 AS x FROM notifications WHERE notification_key = ? LIMIT 1', [key]);
  return rows.length > 0;
}

/**
 * Writes the pending row unless the key already has a row: 'recorded' or 'duplicate'. The check
 * and the append happen under the chain lock, so two runs claiming one key record it once.
 */
export async function claimPending(ledger: Ledger, pending: PendingNotification): Promise<'recorded' | 'duplicate'> {
  return claim(ledger, pending.key, 'pending', 'pending', pending);
}

/** Records that a mute suppressed this notification (it is never sent): 'recorded' or 'duplicate'. */
export async function recordMuted(
  ledger: Ledger,
  key: string,
  body: { origin: NotificationOrigin; to: string[]; cc: string[]; reason: string; at: string },
): Promise<'recorded' | 'duplicate'> {
  return claim(ledger, key, 'muted', 'muted', { key, ...body });
}

async function claim(ledger: Ledger, key: string, event: string, state: NotificationState, body: unknown): Promise<'recorded' | 'duplicate'> {
  try {
    return await ledger.transaction(async (tx) => {
      await tx.lock();
      const existing = await tx.query('SELECT 1 AS x FROM notifications WHERE notification_key = ? LIMIT 1', [key]);
      if (existing.length) return 'duplicate' as const;
      await tx.append({ table: 'notifications', event, keys: { notification_key: key, state }, body });
      return 'recorded' as const;
    });
  } catch (err) {
    if (isUniqueViolation(err)) return 'duplicate';
    throw err;
  }
}

function isUniqueViolation(err: unknown): boolean {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  return code === '23505' || code.startsWith('SQLITE_CONSTRAINT');
}

export async function recordAttemptFailed(ledger: Ledger, key: string, attempt: DeliveryAttempt): Promise<void> {
  await ledger.append({ table: 'notifications', event: 'attempt-failed', keys: { notification_key: key, state: 'pending' }, body: { key, ...attempt } });
}

export async function recordSent(ledger: Ledger, key: string, receipt: SentReceipt): Promise<void> {
  await ledger.append({ table: 'notifications', event: 'sent', keys: { notification_key: key, state: 'sent' }, body: { key, ...receipt } });
}

export async function recordFailed(ledger: Ledger, key: string, attempt: DeliveryAttempt): Promise<void> {
  await ledger.append({ table: 'notifications', event: 'failed', keys: { notification_key: key, state: 'failed' }, body: { key, ...attempt } });
}

export async function loadNotification(ledger: Ledger, key: string): Promise<NotificationView | undefined> {
  const rows = await ledger.query<NotificationRow>('SELECT * FROM notifications WHERE notification_key = ? ORDER BY seq', [key]);
  return rows.length ? fold(rows) : undefined;
}

/** Notifications whose current state is one of `states`, newest change first. */
export async function listNotifications(ledger: Ledger, states: NotificationState[], limit = 500): Promise<NotificationView[]> {
  if (!states.length) return [];
  const marks = states.map(() => '?').join(', ');
  const rows = await ledger.query<NotificationRow>(
    `SELECT * FROM notifications WHERE notification_key IN (
       SELECT notification_key FROM current_notifications WHERE state IN (${marks}) ORDER BY seq DESC LIMIT ?
     ) ORDER BY seq`,
    [...states, limit],
  );
  const byKey = new Map<string, NotificationRow[]>();
  for (const r of rows) byKey.set(r.notification_key, [...(byKey.get(r.notification_key) ?? []), r]);
  return [...byKey.values()].map(fold).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/** The newest notification whose key starts with `prefix` (e.g. the last digest). */
/**
 * Emails someone did not get: the failed ones, and sent ones the server refused for some of the
 * recipients (the others got it, so it stays `sent`; the refusal is shown as its error).
 */
export async function listUndelivered(ledger: Ledger, limit = 500): Promise<NotificationView[]> {
  const failed = await listNotifications(ledger, ['failed'], limit);
  const partly = (await listNotifications(ledger, ['sent'], limit))
    .filter((n) => n.sent?.rejected?.length)
    .map((n) => ({ ...n, lastError: `the mail server refused ${n.sent!.rejected!.join(', ')}` }));
  return [...failed, ...partly];
}

export async function latestNotificationWithPrefix(ledger: Ledger, prefix: string): Promise<NotificationView | undefined> {
  const [row] = await ledger.query<{ notification_key: string }>(
    "SELECT notification_key FROM notifications WHERE notification_key LIKE ? AND event = 'pending' ORDER BY seq DESC LIMIT 1",
    [`${prefix.replace(/[%_]/g, '')}%`],
  );
  return row ? loadNotification(ledger, row.notification_key) : undefined;
}

function fold(rows: NotificationRow[]): NotificationView {
  const last = rows[rows.length - 1]!;
  const view: NotificationView = { key: last.notification_key, state: last.state as NotificationState, to: [], cc: [], attempts: 0, updatedAt: last.at };
  for (const row of rows) {
    const body = parseBody<Record<string, unknown>>(row);
    switch (row.event) {
      case 'pending': {
        const p = body as unknown as PendingNotification;
        Object.assign(view, { pending: p, origin: p.origin, subject: p.subject, to: p.to, cc: p.cc, createdAt: p.createdAt, holdUntil: p.holdUntil });
        break;
      }
      case 'muted':
        Object.assign(view, { origin: body.origin, to: body.to, cc: body.cc, createdAt: body.at, mutedReason: body.reason });
        break;
      case 'attempt-failed':
      case 'failed':
        view.attempts = Math.max(view.attempts, Number(body.attempt ?? 0));
        view.lastError = String(body.error ?? '');
        break;
      case 'sent':
        view.attempts = Math.max(view.attempts, Number(body.attempt ?? 0));
        view.sent = body as unknown as SentReceipt;
        break;
    }
  }
  return view;
}
