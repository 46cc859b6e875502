import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../../src/ledger/ledger.js';
import {
  claimPending,
  listNotifications,
  loadNotification,
  recordAttemptFailed,
  recordFailed,
  recordMuted,
  recordSent,
  type PendingNotification,
} from '../../../src/ledger/notifications.js';
import { obligationCompletions, recordObligationDone } from '../../../src/ledger/obligations.js';
import { openLedger } from '../../../src/ledger/open.js';
import { verifyChain } from '../../../src/ledger/verify.js';
import { FixedClock } from '../../../src/lib/clock.js';

const PG_BASE = process.env.DOSSIER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

const backends: Array<[string, () => Promise<Ledger>]> = [
  ['sqlite', () => openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'n5-')), 'ledger.db')}`, new FixedClock('2026-11-30T10:00:00+08:00'))],
  [
    'postgres',
    () => {
      const schema = `n5_${randomBytes(4).toString('hex')}`;
      schemas.push(schema);
      return openLedger(`${PG_BASE}?schema=${schema}`, new FixedClock('2026-11-30T10:00:00+08:00'));
    },
  ],
];

afterAll(async () => {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

const pending = (key: string): PendingNotification => ({
  key,
  origin: { kind: 'check', checkId: 'c', service: 'assistant' },
  from: 'a@example.com',
  to: ['ops@example.com'],
  cc: [],
  subject: `subject ${key}`,
  text: 't',
  html: 'h',
  locale: 'zh-CN',
  messageId: `<${key}@example.com>`,
  bodySha256: '0'.repeat(64),
  createdAt: '2026-11-30T02:00:00.000Z',
});

describe.each(backends)('notification and obligation rows (%s)', (_name, open) => {
  it('claims a key once, even when many claim it at the same time', async () => {
    const ledger = await open();
    try {
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => claimPending(ledger, pending('k:race'))));
      expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
      expect(await recordMuted(ledger, 'k:race', { origin: { kind: 'system' }, to: [], cc: [], reason: 'x', at: 'now' })).toBe('duplicate');
      expect(await recordMuted(ledger, 'k:muted', { origin: { kind: 'system' }, to: ['a@b.c'], cc: [], reason: 'muted in config', at: 'now' })).toBe('recorded');
      expect(await claimPending(ledger, pending('k:muted'))).toBe('duplicate');
    } finally {
      await ledger.close();
    }
  });

  it('folds delivery rows into a current state, all hash-chained', async () => {
    const ledger = await open();
    try {
      await claimPending(ledger, pending('k:a'));
      await claimPending(ledger, pending('k:b'));
      await recordAttemptFailed(ledger, 'k:a', { attempt: 1, at: 't1', error: 'ECONNECTION: refused', nextAttemptAt: 't2' });
      await recordSent(ledger, 'k:a', { attempt: 2, sentAt: 't2', transport: 'smtp', messageId: '<k:a@example.com>', accepted: ['ops@example.com'], rejected: [] });
      await recordFailed(ledger, 'k:b', { attempt: 1, at: 't1', error: 'EAUTH 535', permanent: true });
      expect(await loadNotification(ledger, 'k:a')).toMatchObject({ state: 'sent', attempts: 2, subject: 'subject k:a', sent: { messageId: '<k:a@example.com>' } });
      expect((await listNotifications(ledger, ['failed'])).map((n) => [n.key, n.lastError])).toEqual([['k:b', 'EAUTH 535']]);
      expect(await listNotifications(ledger, ['pending'])).toEqual([]);

      await recordObligationDone(ledger, { service: 'assistant', obligation: 'annual-review', covers: '2026-03-15', completedOn: '2026-03-10', by: 'x' });
      expect((await obligationCompletions(ledger, 'assistant', 'annual-review')).map((c) => c.covers)).toEqual(['2026-03-15']);
      const verified = await verifyChain(ledger);
      expect(verified.problems).toEqual([]);
      expect(verified.rows).toBe(6);
    } finally {
      await ledger.close();
    }
  });
});
