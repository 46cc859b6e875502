import { errorCode, errorMessage } from '../../lib/errors.js';
import { DeliveryError } from './types.js';

/** nodemailer / socket codes after which the same message will fail again the same way. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'EENVELOPE', 'EMAXRECIPIENTS', 'ECONFIG', 'EREQUIRETLS']);

/**
 * SMTP failure → DeliveryError. The server's reply code decides first (4xx: try later; 5xx:
 * permanent, RFC 5321 §4.2.1); without one, the error code: authentication and envelope problems
 * are permanent, everything about reaching the server (refused, reset, timeout, DNS, TLS) is
 * retried with backoff. Unknown errors are retried: attempts are bounded anyway.
 *
 * The message is rebuilt from the parts, with `secrets` scrubbed: an SMTP password must never
 * reach the ledger or a log, even if a server echoed it.
 */
export function classifySmtpError(err: unknown, secrets: string[] = []): DeliveryError {
  const code = errorCode(err);
  const responseCode = numberOr(err, 'responseCode');
  const retryable = responseCode !== undefined ? responseCode < 500 : !(code && PERMANENT_CODES.has(code));
  const raw = firstLine(errorMessage(err));
  const hint = hintFor(code, responseCode);
  const message = scrub(`${[code, responseCode].filter(Boolean).join(' ')}${code || responseCode ? ': ' : ''}${raw}${hint ? `; ${hint}` : ''}`, secrets);
  return new DeliveryError(message, { retryable, code, responseCode });
}

function hintFor(code: string | undefined, responseCode: number | undefined): string | undefined {
  if (code === 'EAUTH' || responseCode === 535) return 'check mail.smtp.user and the password in the variable mail.smtp.passwordEnv names';
  if (code === 'ENOAUTH') return 'set mail.smtp.user and mail.smtp.passwordEnv';
  if (code === 'EENVELOPE' || responseCode === 550 || responseCode === 553) return 'the server rejected a recipient or the sender; check contacts and mail.from';
  if (code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS') return 'the SMTP server is not reachable; will retry';
  return undefined;
}

function numberOr(err: unknown, key: string): number | undefined {
  if (err && typeof err === 'object' && key in err) {
    const v = Number((err as Record<string, unknown>)[key]);
    return Number.isFinite(v) ? v : undefined;
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 300);
}

/** Replaces each secret and its base64 form (as AUTH LOGIN and PLAIN send them) with ***. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of [s, Buffer.from(s).toString('base64')]) out = out.split(form).join('***');
  }
  return out;
}
