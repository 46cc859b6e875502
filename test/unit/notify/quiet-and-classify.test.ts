import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { quietUntil } from '../../../src/notify/quiet-hours.js';
import { messageIdFor } from '../../../src/notify/message-id.js';
import { classifySmtpError, scrub } from '../../../src/notify/transports/classify.js';
import { smtpSecrets } from '../../../src/notify/transports/smtp.js';

const zone = 'Asia/Shanghai';
const at = (s: string) => DateTime.fromISO(s, { zone });

describe('quiet hours', () => {
  const quiet = { start: '22:00', end: '08:00' };
  it.each([
    ['2026-11-30T21:59', undefined],
    ['2026-11-30T22:00', '2026-12-01T08:00:00.000+08:00'],
    ['2026-11-30T23:30', '2026-12-01T08:00:00.000+08:00'],
    ['2026-12-01T03:00', '2026-12-01T08:00:00.000+08:00'],
    ['2026-12-01T08:00', undefined],
    ['2026-12-01T12:00', undefined],
  ])('at %s → held until %s', (now, until) => {
    expect(quietUntil(at(now), zone, quiet)?.toISO()).toBe(until);
  });

  it('a period within one day, and none at all', () => {
    expect(quietUntil(at('2026-11-30T12:30'), zone, { start: '12:00', end: '13:30' })?.toISO()).toBe('2026-11-30T13:30:00.000+08:00');
    expect(quietUntil(at('2026-11-30T14:00'), zone, { start: '12:00', end: '13:30' })).toBeUndefined();
    expect(quietUntil(at('2026-11-30T23:00'), zone, undefined)).toBeUndefined();
  });

  it('is computed in the configured zone, across a DST change', () => {
    // Berlin, night of 2026-03-29: clocks jump 02:00 → 03:00; quiet hours still end at 07:00 local.
    const berlin = DateTime.fromISO('2026-03-29T01:30', { zone: 'Europe/Berlin' });
    expect(quietUntil(berlin, 'Europe/Berlin', { start: '22:00', end: '07:00' })?.toISO()).toBe('2026-03-29T07:00:00.000+02:00');
  });
});

describe('SMTP error classification', () => {
  const err = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields);
  it.each([
    ['connection refused', err('connect ECONNREFUSED 127.0.0.1:2525', { code: 'ECONNECTION' }), true],
    ['timeout', err('Connection timeout', { code: 'ETIMEDOUT' }), true],
    ['greylisting 451', err('451 4.7.1 try again later', { code: 'EENVELOPE', responseCode: 451 }), true],
    ['mailbox busy 450', err('450 busy', { code: 'EMESSAGE', responseCode: 450 }), true],
    ['auth failure 535', err('Invalid login: 535 Authentication credentials invalid', { code: 'EAUTH', responseCode: 535 }), false],
    ['auth without reply code', err('Invalid login', { code: 'EAUTH' }), false],
    ['rejected recipient 550', err("Can't send mail - all recipients were rejected: 550 no such user", { code: 'EENVELOPE', responseCode: 550 }), false],
    ['unknown error', new Error('something odd'), true],
  ])('%s → retryable %s', (_name, e, retryable) => {
    expect(classifySmtpError(e).retryable).toBe(retryable);
  });

  it('never lets the password through, plain or base64', () => {
    const secret = 's3cr3t-P@ss';
    const e = err(`AUTH PLAIN ${Buffer.from(secret).toString('base64')} failed for ${secret}`, { code: 'EAUTH', responseCode: 535 });
    const out = classifySmtpError(e, [secret]);
    expect(out.message).not.toContain(secret);
    expect(out.message).not.toContain(Buffer.from(secret).toString('base64'));
    expect(out.message).toContain('mail.smtp.passwordEnv');
    expect(scrub('x', [''])).toBe('x');
  });

  it('scrubs the AUTH PLAIN token too (base64 of \\0user\\0pass)', () => {
    const plain = Buffer.from('\0ops@example.com\0s3cr3t').toString('base64');
    const out = classifySmtpError(err(`535 authentication failed for AUTH PLAIN ${plain}`, { code: 'EAUTH', responseCode: 535 }), smtpSecrets('ops@example.com', 's3cr3t'));
    expect(out.message).not.toContain(plain);
    expect(out.message).toContain('AUTH PLAIN ***');
  });
});

describe('Message-ID', () => {
  it('is derived from the key and the sender domain, stable across calls', () => {
    const a = messageIdFor('pre-review:a:b:2027-03-15:T-30', 'AI 合规助手 <compliance@example.com>');
    expect(a).toMatch(/^<[0-9a-f]{32}\.dossier@example\.com>$/);
    expect(messageIdFor('pre-review:a:b:2027-03-15:T-30', 'compliance@example.com')).toBe(a);
    expect(messageIdFor('pre-review:a:b:2027-03-15:T-14', 'compliance@example.com')).not.toBe(a);
  });
});
