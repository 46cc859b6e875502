import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import { errorCode, errorMessage } from '../../lib/errors.js';
import { sha256 } from '../../lib/hash.js';
import type { PendingNotification } from '../../ledger/notifications.js';
import { DeliveryError, mailOptions, type MailTransport, type TransportReceipt } from './types.js';

/**
 * The default transport: each message becomes an RFC 5322 `.eml` file (CRLF line ends, MIME
 * encoded by nodemailer) under the outbox directory, so a fresh install shows real emails
 * without an SMTP server. The file name comes from the creation time and the key, so a resend
 * replaces the same file (atomically: temp file, then rename) instead of adding a copy.
 */
export function outboxTransport(dir: string): MailTransport {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    name: 'outbox',
    async send(m: PendingNotification): Promise<TransportReceipt> {
      try {
        const info = await composer.sendMail(mailOptions(m));
        const file = join(dir, outboxFileName(m));
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(file, info.message as Buffer);
        const recipients = [...m.to, ...m.cc];
        return { messageId: m.messageId, accepted: recipients, rejected: [], file };
      } catch (err) {
        // A full disk or a permission problem can be fixed while we wait: retry.
        throw new DeliveryError(`cannot write to the outbox ${dir}: ${errorCode(err) ?? errorMessage(err)}`, { retryable: true, code: errorCode(err) });
      }
    },
    close() {
      composer.close();
    },
  };
}

export function outboxFileName(m: Pick<PendingNotification, 'key' | 'createdAt'>): string {
  const stamp = m.createdAt.replace(/[-:]/g, '').replace(/\.\d+/, '').replace('T', '-');
  const slug = m.key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return `${stamp}-${slug}-${sha256(m.key).slice(0, 8)}.eml`;
}
