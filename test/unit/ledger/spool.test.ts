import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../../src/ledger/open.js';
import type { Ledger } from '../../../src/ledger/ledger.js';
import { listResults } from '../../../src/ledger/runs.js';
import { ResultSpool } from '../../../src/ledger/spool.js';
import { FixedClock } from '../../../src/lib/clock.js';
import { silentLogger } from '../../../src/lib/logger.js';
import type { Result } from '../../../src/lib/result.js';

const result = (runId: string): Result => ({
  runId, check: 'c', type: 'safety-logs', service: 's', period: { key: '2026-10', start: 'a', end: 'b' }, scheduledAt: '2026-11-01T02:00:00+08:00',
  startedAt: 'x', finishedAt: 'y', attempt: 1, status: 'pass', summary: 'ok', metrics: {}, findings: [], evidence: [],
});

let ledger: Ledger;
afterEach(async () => ledger?.close());

describe('result spool', () => {
  it('records each spooled result once, even with two workers flushing the same directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    ledger = await openLedger(`sqlite:${join(dir, 'dossier.db')}`, new FixedClock('2026-11-01T03:00:00+08:00'));
    const a = new ResultSpool(join(dir, 'spool'));
    const b = new ResultSpool(join(dir, 'spool'));
    for (const id of ['r1', 'r2', 'r3']) await a.put(result(id));
    const [x, y] = await Promise.all([a.flush(ledger, silentLogger()), b.flush(ledger, silentLogger())]);
    expect(x + y).toBe(3);
    expect((await listResults(ledger, {})).map((r) => r.runId).sort()).toEqual(['r1', 'r2', 'r3']);
    // A result spooled again after it was recorded (a flush that died after appending) is not doubled.
    await a.put(result('r2'));
    await a.flush(ledger, silentLogger());
    expect((await listResults(ledger, {})).filter((r) => r.runId === 'r2')).toHaveLength(1);
    expect(readdirSync(join(dir, 'spool'))).toEqual([]);
  });

  it('a late result does not replace a newer one of the same period: recorded as superseded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    ledger = await openLedger(`sqlite:${join(dir, 'dossier.db')}`, new FixedClock('2026-11-01T03:00:00+08:00'));
    const spool = new ResultSpool(join(dir, 'spool'));
    // Spooled at 02:05 by a worker that lost the database; catch-up ran the period again at 03:00.
    await spool.put({ ...result('late'), startedAt: '2026-11-01T02:05:00+08:00', status: 'warn' });
    const { recordRunFinished } = await import('../../../src/ledger/runs.js');
    await recordRunFinished(ledger, { ...result('rerun'), startedAt: '2026-11-01T03:00:00+08:00', status: 'pass' });
    await spool.flush(ledger, silentLogger());
    const { latestResult } = await import('../../../src/ledger/runs.js');
    expect((await latestResult(ledger, 'c', '2026-10'))?.runId).toBe('rerun');
    const rows = await ledger.query<{ event: string; run_id: string }>('SELECT event, run_id FROM runs ORDER BY seq');
    expect(rows.map((r) => `${r.event}:${r.run_id}`)).toEqual(['finished:rerun', 'superseded:late']);
  });

  it('an unreadable file is set aside and does not stop the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-'));
    ledger = await openLedger(`sqlite:${join(dir, 'dossier.db')}`, new FixedClock('2026-11-01T03:00:00+08:00'));
    const spool = new ResultSpool(join(dir, 'spool'));
    await spool.put(result('good'));
    writeFileSync(join(dir, 'spool', 'broken.json'), '{"runId": "bro');
    expect(await spool.flush(ledger, silentLogger())).toBe(1);
    expect(readdirSync(join(dir, 'spool'))).toEqual(['broken.json.bad']);
    expect((await listResults(ledger, {})).map((r) => r.runId)).toEqual(['good']);
  });
});
