import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { observeCases, type CaseObservation, type CaseScope } from '../../src/ledger/case-observe.js';
import { acknowledgeCase, caseHistory, findCase, listCases } from '../../src/ledger/cases.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { openLedger } from '../../src/ledger/open.js';
import { recordRunFinished } from '../../src/ledger/runs.js';
import { verifyChain } from '../../src/ledger/verify.js';
import { FixedClock } from '../../src/lib/clock.js';
import type { Result } from '../../src/lib/result.js';
import { uniquePrefix } from '../helpers/workspace.js';

/**
 * The case contract on both ledger adapters: SQLite (a real file) and PostgreSQL (a fresh schema
 * per run at 127.0.0.1:5432/test, dropped at the end).
 */
const PG_URL = process.env.DOSSIER_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const check = { id: 'assistant-feature-changes', type: 'feature-changes' };

function scope(today: string, runId = `run-${today}`): CaseScope {
  return { check, service: 'assistant', runId, scheduledAt: `${today}T09:00:00.000+08:00`, today, periodKey: today };
}

function added(id: string, deadline: string): CaseObservation {
  return { key: { code: 'feature-added', feature: id }, code: 'feature-added', title: `新增功能 ${id}`, data: { feature: { id } }, actions: ['change-filing'], deadline };
}

const schemas: string[] = [];
afterAll(async () => {
  if (!schemas.length) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await client.end();
});

const backends: Array<[string, () => string]> = [
  ['sqlite', () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'cases-')), 'ledger.db')}`],
  [
    'postgres',
    () => {
      const schema = uniquePrefix('cases').replace(/-/g, '_');
      schemas.push(schema);
      return `${PG_URL}?schema=${schema}`;
    },
  ],
];

describe.each(backends)('cases on %s', (_name, url) => {
  let ledger: Ledger;
  let ledgerUrl: string;
  const clock = new FixedClock('2026-11-30T10:00:00+08:00');
  beforeEach(async () => {
    ledgerUrl = url();
    ledger = await openLedger(ledgerUrl, clock);
    return () => ledger.close();
  });

  it('the same change seen on 5 runs is one case, its deadline frozen at first sight', async () => {
    const days = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];
    const ids = new Set<string>();
    for (const [i, day] of days.entries()) {
      // A later run proposes a later deadline (as if the SLA in config had grown): it must not move.
      const { cases } = await observeCases(ledger, scope(day), [added('image-gen', i === 0 ? '2026-12-14' : '2026-12-31')]);
      expect(cases[0]!.isNew).toBe(i === 0);
      expect(cases[0]!.deadline).toBe('2026-12-14');
      expect(cases[0]!.firstSeen).toBe('2026-11-30');
      ids.add(cases[0]!.caseId);
    }
    expect(ids.size).toBe(1);
    const all = await listCases(ledger);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ state: 'open', severity: 'warn', code: 'feature-added', actions: ['change-filing'] });
    // Nothing changed after the first sight: one row, not five.
    expect((await caseHistory(ledger, all[0]!.caseId)).map((h) => h.event)).toEqual(['opened']);
  });

  it('records the day a case goes overdue, once', async () => {
    await observeCases(ledger, scope('2026-12-10'), [added('image-gen', '2026-12-14')]);
    const onTime = await observeCases(ledger, scope('2026-12-14'), [added('image-gen', '2026-12-28')]);
    expect(onTime.cases[0]).toMatchObject({ overdue: false, severity: 'warn' });
    const late = await observeCases(ledger, scope('2026-12-15'), [added('image-gen', '2026-12-29')]);
    expect(late.cases[0]).toMatchObject({ overdue: true, severity: 'fail', overdueSince: '2026-12-15', deadline: '2026-12-14' });
    await observeCases(ledger, scope('2026-12-16'), [added('image-gen', '2026-12-30')]);
    expect((await caseHistory(ledger, late.cases[0]!.caseId)).map((h) => h.event)).toEqual(['opened', 'overdue']);
  });

  it('resolves what is no longer observed, and a change that comes back is a new occurrence', async () => {
    const first = await observeCases(ledger, scope('2026-11-30'), [added('image-gen', '2026-12-14'), added('tts', '2026-12-14')]);
    const gone = await observeCases(ledger, scope('2026-12-01'), [added('tts', '2026-12-15')], { resolveMissing: () => ({ reason: 'reverted' }) });
    expect(gone.resolved.map((c) => [c.caseId, c.resolution?.reason])).toEqual([[first.cases[0]!.caseId, 'reverted']]);
    expect(gone.resolved[0]!.resolution).toMatchObject({ at: '2026-12-01T09:00:00.000+08:00', runId: 'run-2026-12-01' });

    const back = await observeCases(ledger, scope('2026-12-07'), [added('image-gen', '2026-12-21'), added('tts', '2026-12-21')]);
    const again = back.cases[0]!;
    expect(again).toMatchObject({ isNew: true, occurrence: 2, caseId: `${first.cases[0]!.caseId}.2`, firstSeen: '2026-12-07', deadline: '2026-12-21' });
    expect(again.previous).toMatchObject({ caseId: first.cases[0]!.caseId, firstSeen: '2026-11-30', reason: 'reverted' });
    expect(back.cases[1]).toMatchObject({ isNew: false, caseId: first.cases[1]!.caseId });
    expect(await listCases(ledger, { open: true })).toHaveLength(2);
  });

  it('leaves an unobserved case untouched when the handler cannot tell what became of it', async () => {
    const first = await observeCases(ledger, scope('2026-11-30'), [added('image-gen', '2026-12-14'), added('tts', '2026-12-14')]);
    const unsure = await observeCases(ledger, scope('2026-12-01'), [], { resolveMissing: (c) => (c.caseId === first.cases[0]!.caseId ? undefined : { reason: 'reverted' }) });
    expect(unsure.kept.map((c) => c.caseId)).toEqual([first.cases[0]!.caseId]);
    expect(unsure.resolved.map((c) => c.caseId)).toEqual([first.cases[1]!.caseId]);
    expect((await caseHistory(ledger, first.cases[0]!.caseId)).map((h) => h.event)).toEqual(['opened']);
    expect((await listCases(ledger, { open: true })).map((c) => c.caseId)).toEqual([first.cases[0]!.caseId]);
  });

  it('acknowledges by id or unique prefix, records who, and refuses resolved cases', async () => {
    const { cases } = await observeCases(ledger, scope('2026-11-30'), [added('image-gen', '2026-12-14')]);
    const id = cases[0]!.caseId;
    const acked = await acknowledgeCase(ledger, id.slice(0, 6), { by: 'zhang', at: '2026-11-30T11:00:00+08:00', note: '已提交变更备案材料' });
    expect(acked).toMatchObject({ caseId: id, state: 'acknowledged', acks: [{ by: 'zhang', note: '已提交变更备案材料' }] });
    const events = await ledger.query<{ event: string; subject: string }>('SELECT event, subject FROM events');
    expect(events).toEqual([{ event: 'case-acknowledged', subject: `case:${id}` }]);
    // Acknowledged is still open: the run keeps it, with its deadline.
    const next = await observeCases(ledger, scope('2026-12-01'), [added('image-gen', '2026-12-15')]);
    expect(next.cases[0]).toMatchObject({ state: 'acknowledged', deadline: '2026-12-14', isNew: false });

    await observeCases(ledger, scope('2026-12-02'), []);
    await expect(acknowledgeCase(ledger, id, { by: 'zhang', at: '2026-12-02T10:00:00+08:00' })).rejects.toThrow(/already resolved \(resolved/);
    await expect(findCase(ledger, 'fc-zzzz')).rejects.toThrow(/no case "fc-zzzz"/);
    expect((await verifyChain(ledger)).problems).toEqual([]);
  });

  it('names an ambiguous prefix', async () => {
    await observeCases(ledger, scope('2026-11-30'), [added('a', '2026-12-14'), added('b', '2026-12-14')]);
    await expect(findCase(ledger, 'fc-')).rejects.toThrow(/ambiguous/);
  });

  it('a run for an older period than one already recorded writes nothing', async () => {
    await observeCases(ledger, scope('2026-12-01'), [added('image-gen', '2026-12-15')]);
    await recordRunFinished(ledger, { runId: 'r2', check: check.id, service: 'assistant', period: { key: '2026-12-02' }, status: 'warn' } as unknown as Result);
    const before = await ledger.head();
    const old = await observeCases(ledger, scope('2026-11-25'), [added('image-gen', '2026-12-09'), added('tts', '2026-12-09')]);
    expect(old.readOnly).toBe(true);
    expect(old.cases.map((c) => [c.isNew, c.persisted])).toEqual([
      [false, true],
      [false, false],
    ]);
    expect(await ledger.head()).toEqual(before);
  });

  it('two connections observing the same new change at once open one case', async () => {
    const other = await openLedger(ledgerUrl, clock);
    try {
      const [a, b] = await Promise.all([
        observeCases(ledger, scope('2026-11-30', 'run-a'), [added('image-gen', '2026-12-14')]),
        observeCases(other, scope('2026-11-30', 'run-b'), [added('image-gen', '2026-12-14')]),
      ]);
      expect([a.cases[0]!.isNew, b.cases[0]!.isNew].sort()).toEqual([false, true]);
      expect(await listCases(ledger)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
