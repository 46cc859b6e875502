import { createTransport } from 'nodemailer';
import type { Config } from '../../config/normalize.js';
import type { PendingNotification } from '../../ledger/notifications.js';
import { classifySmtpError } from './classify.js';
import { DeliveryError, mailOptions, type MailTransport, type TransportReceipt } from './types.js';

type SmtpConfig = NonNullable<Config['mail']['smtp']>;

/**
 * SMTP through nodemailer, pooled (a greeting delay is paid once per connection, not per
 * message). The password is read from the environment variable `passwordEnv` names, here and
 * nowhere else; it is handed to nodemailer and scrubbed from every error message.
 */
export function smtpTransport(smtp: SmtpConfig, env: NodeJS.ProcessEnv = process.env): MailTransport {
  const password = smtp.passwordEnv ? env[smtp.passwordEnv] : undefined;
  const missingPassword = smtp.user && smtp.passwordEnv && !password;
  const base = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user && password ? { user: smtp.user, pass: password } : undefined,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  };
  const transporter = smtp.pool ? createTransport({ ...base, pool: true, maxConnections: 2, maxMessages: 1000 }) : createTransport(base);
  const secrets = smtpSecrets(smtp.user, password);
  return {
    name: 'smtp',
    async send(m: PendingNotification): Promise<TransportReceipt> {
      if (missingPassword) {
        throw new DeliveryError(
          `the SMTP password variable ${smtp.passwordEnv} (mail.smtp.passwordEnv) is not set in the daemon's environment; export it and restart`,
          { retryable: false, code: 'ENOAUTH' },
        );
      }
      try {
        const info = await transporter.sendMail(mailOptions(m));
        const list = (xs: unknown) => (Array.isArray(xs) ? xs.map((x) => (typeof x === 'string' ? x : String((x as { address?: string }).address ?? x))) : []);
        return { messageId: m.messageId, accepted: list(info.accepted), rejected: list(info.rejected), response: typeof info.response === 'string' ? info.response.slice(0, 200) : undefined };
      } catch (err) {
        throw classifySmtpError(err, secrets);
      }
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * What must never appear in an error: the password, and the AUTH PLAIN token that carries it
 * (base64 of "\0user\0pass", with or without the authorization identity). scrub() removes each
 * and its base64 form.
 */
export function smtpSecrets(user: string | undefined, password: string | undefined): string[] {
  if (!password) return [];
  const u = user ?? '';
  return [password, `\0${u}\0${password}`, `${u}\0${u}\0${password}`];
}
