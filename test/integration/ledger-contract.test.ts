import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/ledger.js';
import { openLedger } from '../../src/ledger/open.js';
import { attemptsOf, latestResult, listResults, previousResults, recordRunFinished, recordRunStarted, type RunStart } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { FixedClock } from '../../src/lib/clock.js';
import type { Result } from '../../src/lib/result.js';

/**
 * The same contract against both adapters: SQLite (a real file) and PostgreSQL (a fresh schema
 * per run at 127.0.0.1:5432/test; the schema is dropped at the end).
 */
const PG_BASE = process.env.DOSSIER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const schemas: string[] = [];

const adapters: Array<[string, () => string]> = [
  ['sqlite', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'ledger-')), 'dossier.db')}`],
  [
    'postgres',
    () => {
      const schema = `t_${randomBytes(5).toString('hex')}`;
      schemas.push(schema);
      return `${PG_BASE}?schema=${schema}`;
    },
  ],
];

afterAll(async () => {
  if (!schemas.length) return;
  const client = new pg.Client(PG_BASE);
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

const clock = new FixedClock('2026-11-01T02:00:05+08:00');

function start(runId: string, period = '2026-10', check = 'c1'): RunStart {
  return {
    runId,
    check,
    type: 'safety-logs',
    service: 'svc',
    period: { key: period, start: `${period}-01T00:00:00.000+08:00`, end: 'x' },
    scheduledAt: `2026-11-01T02:00:00.000+08:00`,
    startedAt: '2026-11-01T02:00:05.000+08:00',
    attempt: 1,
    trigger: 'schedule',
  };
}

function finish(s: RunStart, status: Result['status'], extra: Partial<Result> = {}): Result {
  return { ...s, finishedAt: '2026-11-01T02:01:00.000+08:00', status, summary: `${status} run`, metrics: { n: 1 }, findings: [], evidence: [], ...extra };
}

describe.each(adapters)('ledger contract: %s', (_name, url) => {
  const open = async (): Promise<Ledger> => openLedger(url(), clock);

  it('migrates idempotently and starts with the genesis head', async () => {
    const u = url();
    const a = await openLedger(u, clock);
    const b = await openLedger(u, clock); // a second process opening the same ledger
    expect(await a.head()).toEqual({ seq: 0, hash: '0'.repeat(64) });
    expect(await b.migrate()).toEqual([]);
    await a.close();
    await b.close();
  });

  it('chains appended rows across tables and verifies them', async () => {
    const ledger = await open();
    const s = start('r1');
    await recordRunStarted(ledger, s);
    await ledger.append({ table: 'events', event: 'baseline-accepted', keys: { subject: 'svc', service_id: 'svc' }, body: { ref: 'F-2', who: 'ops' } });
    await recordRunFinished(ledger, finish(s, 'pass'));
    const head = await ledger.head();
    expect(head.seq).toBe(3);
    const rows = await ledger.chainRows(0, 3);
    expect(rows.map((r) => [r.seq, r.table, r.event])).toEqual([
      [1, 'runs', 'started'],
      [2, 'events', 'baseline-accepted'],
      [3, 'runs', 'finished'],
    ]);
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
    expect(head.hash).toBe(rows[2]!.hash);
    expect((await verifyChain(ledger)).problems).toEqual([]);
    await ledger.close();
  });

  it('keeps every attempt and marks the latest final one per (check, period)', async () => {
    const ledger = await open();
    const a1 = start('a1');
    await recordRunStarted(ledger, a1);
    await recordRunFinished(ledger, finish(a1, 'error', { error: 'ECONNRESET' }));
    expect(await latestResult(ledger, 'c1', '2026-10')).toBeUndefined();
    const a2 = { ...start('a2'), attempt: 2 };
    await recordRunStarted(ledger, a2);
    await recordRunFinished(ledger, finish(a2, 'warn'));
    const rerun = { ...start('a3'), trigger: 'manual' as const };
    await recordRunStarted(ledger, rerun);
    await recordRunFinished(ledger, finish(rerun, 'fail'));

    expect((await latestResult(ledger, 'c1', '2026-10'))?.runId).toBe('a3');
    expect((await listResults(ledger, { check: 'c1' })).map((r) => r.runId)).toEqual(['a3', 'a2']);
    expect((await listResults(ledger, { check: 'c1', includeErrors: true })).map((r) => r.status)).toEqual(['fail', 'warn', 'error']);
    expect((await attemptsOf(ledger, 'c1', '2026-10')).map((a) => `${a.event}:${a.runId}`)).toEqual([
      'started:a1', 'finished:a1', 'started:a2', 'finished:a2', 'started:a3', 'finished:a3',
    ]);
    await ledger.close();
  });

  it('records an attempt that never finished as interrupted when the next one starts', async () => {
    const ledger = await open();
    await recordRunStarted(ledger, start('dead'));
    const { interrupted } = await recordRunStarted(ledger, { ...start('alive'), attempt: 2 });
    expect(interrupted).toEqual(['dead']);
    await recordRunFinished(ledger, finish({ ...start('alive'), attempt: 2 }, 'pass'));
    expect((await attemptsOf(ledger, 'c1', '2026-10')).map((a) => `${a.event}:${a.runId}`)).toEqual([
      'started:dead', 'interrupted:dead', 'started:alive', 'finished:alive',
    ]);
    await ledger.close();
  });

  it('orders previous results by scheduled instant, not by when they were recorded', async () => {
    const ledger = await open();
    for (const [id, period, scheduledAt] of [
      ['nov', '2026-11-02', '2026-11-02T10:00:00.000+08:00'],
      ['oct', '2026-10-26', '2026-10-26T10:00:00.000+08:00'], // a late catch-up, recorded after November
    ] as const) {
      const s = { ...start(id, period), scheduledAt };
      await recordRunStarted(ledger, s);
      await recordRunFinished(ledger, finish(s, 'pass'));
    }
    const before = await previousResults(ledger, 'c1', '2026-11-09T10:00:00.000+08:00');
    expect(before.map((r) => r.runId)).toEqual(['nov', 'oct']);
    expect((await previousResults(ledger, 'c1', '2026-11-02T10:00:00.000+08:00')).map((r) => r.runId)).toEqual(['oct']);
    await ledger.close();
  });

  it('serializes concurrent appends into one gap-free chain', async () => {
    const u = url();
    const a = await openLedger(u, clock);
    const b = await openLedger(u, clock);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).append({ table: 'events', event: 'tick', keys: { subject: `s${i}`, service_id: null }, body: { i } }),
      ),
    );
    const verdict = await verifyChain(a);
    expect(verdict.rows).toBe(40);
    expect(verdict.problems).toEqual([]);
    await a.close();
    await b.close();
  });

  it('names an edited row, a deleted row and rows cut from the end', async () => {
    const ledger = await open();
    for (let i = 1; i <= 6; i++) await ledger.append({ table: 'events', event: 'tick', keys: { subject: `s${i}`, service_id: 'svc' }, body: { i } });
    await ledger.driver.query(`UPDATE events SET body = ? WHERE seq = 2`, ['{"i":99}']);
    await ledger.driver.query('DELETE FROM events WHERE seq = 4');
    let problems = (await verifyChain(ledger)).problems.map((p) => p.message);
    expect(problems).toEqual([
      'row seq 2 in events (tick, subject s2, service svc): content does not match its hash (the row was edited)',
      'row seq 4 is missing (deleted?)',
      'row seq 5 in events (tick, subject s5, service svc): prev_hash does not match the hash of the row before it',
    ]);
    await ledger.driver.query('DELETE FROM events WHERE seq = 6');
    problems = (await verifyChain(ledger)).problems.map((p) => p.message);
    expect(problems.at(-1)).toBe('the chain head is seq 6 but the last row is seq 5: rows at the end were deleted');
    await ledger.close();
  });

  it('verifies cleanly while a daemon keeps appending', async () => {
    const u = url();
    const daemon = await openLedger(u, clock);
    const verifier = await openLedger(u, clock);
    for (let i = 0; i < 50; i++) await daemon.append({ table: 'events', event: 'tick', keys: { subject: `s${i}`, service_id: null }, body: { i } });
    let appending = true;
    const writer = (async () => {
      for (let i = 0; appending; i++) await daemon.append({ table: 'events', event: 'tock', keys: { subject: `t${i}`, service_id: null }, body: { i } });
    })();
    const results = [];
    for (let k = 0; k < 5; k++) results.push(await verifyChain(verifier));
    appending = false;
    await writer;
    expect(results.flatMap((r) => r.problems)).toEqual([]);
    expect(results.at(-1)!.rows).toBeGreaterThanOrEqual(50);
    await daemon.close();
    await verifier.close();
  });

  it('names a row slipped in outside the chain (seq 0, negative, fractional)', async () => {
    const ledger = await open();
    await ledger.append({ table: 'events', event: 'tick', keys: { subject: 's1', service_id: null }, body: {} });
    const cols = 'seq, at, prev_hash, hash, event, body, notification_key, state';
    await ledger.driver.query(`INSERT INTO notifications (${cols}) VALUES (0, 'x', 'x', 'h0', 'sent', '{}', 'case:x:overdue', 'sent')`);
    await ledger.driver.query(`INSERT INTO notifications (${cols}) VALUES (-3, 'x', 'x', 'h1', 'sent', '{}', 'case:y:overdue', 'sent')`);
    expect((await verifyChain(ledger)).problems.map((p) => p.message)).toEqual([
      'a row in notifications has seq -3, outside the chain (1–1): it was inserted by hand',
      'a row in notifications has seq 0, outside the chain (1–1): it was inserted by hand',
    ]);
    await ledger.close();
  });

  it('rejects a second pending notification with the same key (dedup at the database)', async () => {
    const ledger = await open();
    const pending = { table: 'notifications' as const, event: 'pending', keys: { notification_key: 'k1', state: 'pending' }, body: {} };
    await ledger.append(pending);
    await expect(ledger.append(pending)).rejects.toThrow();
    // The failed transaction left nothing behind: the chain is intact.
    expect((await ledger.head()).seq).toBe(1);
    expect((await verifyChain(ledger)).problems).toEqual([]);
    await ledger.close();
  });
});
