import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { caseHistory, listCases } from '../../../src/ledger/cases.js';
import type { TestEnv } from '../../helpers/workspace.js';
import { runCheck } from '../../../workers/run-check.js';
import { CHECK, complaintEnv, csv, due, runComplaints, type Row } from './complaint-fixture.js';

/**
 * complaint-sla against a ledger file that is broken in some way: a broken source must never
 * close a case, cost more rows than the broken ones, or leak a cell into samples and messages.
 */

let env: TestEnv & { ledgerFile: string };
afterEach(async () => env?.close());

const DAY1 = '2026-10-20T08:00:00+08:00';
const DAY2 = '2026-10-21T08:00:00+08:00';
// Received Mon Sep 14, Tue Sep 22 and Fri Sep 25: by Oct 20 overdue, and near the 15-day limit twice.
const K: Row[] = [
  { id: 'K1', receivedAt: '2026-09-14T10:00:00+08:00', channel: 'web', category: 'a' },
  { id: 'K2', receivedAt: '2026-09-22T10:00:00+08:00', channel: 'web', category: 'a' },
  { id: 'K3', receivedAt: '2026-09-25T10:00:00+08:00', channel: 'web', category: 'a' },
];
const states = async () => (await listCases(env.ledger)).map((c) => [c.key.complaint, c.state, c.resolution?.reason]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('complaint-sla: a broken ledger never closes cases', () => {
  it('keeps the case of an unreadable row and of a vanished complaint open while rows are malformed; closes answered ones', async () => {
    env = await complaintEnv(csv(K));
    const first = await runComplaints(env, DAY1);
    expect(first.findings.filter((f) => f.code.startsWith('complaint-')).map((f) => f.code)).toEqual(['complaint-overdue', 'complaint-near-deadline', 'complaint-near-deadline']);

    // Day 2: K1's answer is a note, not a time; K2 is gone from the file; K3 is answered; one more row is broken.
    writeFileSync(env.ledgerFile, csv([{ ...K[0]!, respondedAt: '待回复' }, { ...K[2]!, respondedAt: '2026-10-20T15:00:00+08:00' }], ['X9,"2026-10-01T00:00:00+08:00,web,a,,,']));
    const r = await runComplaints(env, DAY2);
    expect(await states()).toEqual([
      ['K1', 'open', undefined],
      ['K2', 'open', undefined],
      ['K3', 'resolved', 'answered'],
    ]);
    const kept = r.findings.find((f) => f.code === 'cases-kept-open')!;
    expect(kept.severity).toBe('warn');
    expect([...(kept.data as { complaints: string[] }).complaints].sort()).toEqual(['K1', 'K2']);
    expect(r.findings.find((f) => f.code === 'malformed-rows')).toMatchObject({
      data: {
        malformed: 2,
        rows: 3,
        samples: ['complaints.csv:2: respondedAt is not a time: timestamp contains non-ASCII characters', 'complaints.csv:4: the file ends inside a quoted field'],
      },
    });
    expect(r.findings.find((f) => f.code === 'malformed-rows')!.message).toContain('修复前不会因投诉从台账中消失而关闭任何案件');
    expect(r.findings.filter((f) => f.code === 'case-resolved').map((f) => f.data)).toEqual([{ reason: 'answered' }]);
    expect(r.metrics).toMatchObject({ malformed: 2, keptOpen: 2 });
    expect(r.status).toBe('warn');

    // Day 3, the file repaired: K1 still open (a case again), K2 still absent: now it closes as gone.
    writeFileSync(env.ledgerFile, csv([K[0]!, { ...K[2]!, respondedAt: '2026-10-20T15:00:00+08:00' }]));
    const fixed = await runComplaints(env, '2026-10-22T08:00:00+08:00');
    expect(fixed.findings.map((f) => f.code)).not.toContain('cases-kept-open');
    expect(await states()).toEqual([
      ['K1', 'open', undefined],
      ['K2', 'resolved', 'disappeared'],
      ['K3', 'resolved', 'answered'],
    ]);
  });

  it('a stray quote costs its own row only: the rows after it are read and counted', async () => {
    const rows: Row[] = Array.from({ length: 30 }, (_, i) => ({ id: `R${i}`, receivedAt: '2026-10-12T10:00:00+08:00', channel: 'web', category: 'a', respondedAt: '2026-10-13T10:00:00+08:00' }));
    const text = csv(rows).split('\r\n');
    text.splice(3, 0, 'R-bad,"2026-10-12T10:00:00+08:00,web,a,,,'); // becomes line 4
    env = await complaintEnv(text.join('\r\n'));
    const r = await runComplaints(env, DAY1);
    expect(r.metrics).toMatchObject({ rows: 31, malformed: 1, monthToDate: { received: 30, responded: 30 } });
    expect((r.findings.find((f) => f.code === 'malformed-rows')!.data as { samples: string[] }).samples).toEqual(['complaints.csv:4: the file ends inside a quoted field']);
  });

  it('a damaged gzip ledger is inconclusive, names the file, and leaves every case as it was', async () => {
    env = await complaintEnv(csv(K));
    await runComplaints(env, DAY1);
    const before = (await listCases(env.ledger)).map((c) => c.caseId);
    const gz = gzipSync(csv(K));
    writeFileSync(env.ledgerFile, gz.subarray(0, gz.length - 12)); // cut short; the name still says .csv
    // Attempts left, yet inconclusive at once: a damaged file is not worth a retry.
    const { result: r } = await runCheck(env, { checkId: CHECK, scheduledAt: DateTime.fromISO(DAY2), trigger: 'local', attempt: 1, maxAttempts: 3 });
    expect(r.status).toBe('inconclusive');
    expect(r.summary).toContain(`the complaint ledger ${env.ledgerFile} is gzip data that is damaged or cut short`);
    for (const id of before) expect((await caseHistory(env.ledger, id)).map((h) => h.event)).toEqual(['opened']);
    // Whole again, still named .csv: recognised by its first bytes.
    writeFileSync(env.ledgerFile, gz);
    expect((await runComplaints(env, DAY2)).status).toBe('fail');
  });
});

describe('complaint-sla: samples and messages never quote a cell', () => {
  it('describes unreadable rows without their values', async () => {
    const rows: Row[] = [
      { id: 'P1', receivedAt: 'call 13812345678 zhang.san@example.com', channel: 'web', category: 'a' },
      { id: 'P2', receivedAt: '2026-10-12T10:00:00+08:00', channel: 'web', category: 'a', respondedAt: '13987654321' },
      { id: 'P3', receivedAt: '2026-10-12T10:00:00+08:00', channel: 'web', category: 'a' },
    ];
    env = await complaintEnv(csv(rows));
    const r = await runComplaints(env, DAY1);
    const samples = (r.findings.find((f) => f.code === 'malformed-rows')!.data as { samples: string[] }).samples;
    expect(samples).toEqual([
      'complaints.csv:2: receivedAt is not a time: timestamp is not ISO-8601 (YYYY-MM-DDTHH:MM:SS±HH:MM) or epoch milliseconds',
      'complaints.csv:3: respondedAt is not a time: timestamp is a number below 10^11, not epoch milliseconds (epoch seconds?)',
    ]);
    const summary = readFileSync(env.archive.resolve(r.evidence.find((e) => e.path.endsWith('summary.json'))!.path), 'utf8');
    for (const text of [summary, JSON.stringify(r)]) expect(text).not.toMatch(/13812345678|13987654321|zhang\.san/);
  });

  it('masks the columns named in a header error (a file without a header has data there)', async () => {
    env = await complaintEnv('C1,13812345678,zhang.san@example.com\n');
    const r = await runComplaints(env, DAY1);
    expect(r.status).toBe('inconclusive');
    expect(r.summary).toContain('in its header ("C1", "138****5678", "***@example.com")');
  });
});

describe('complaint-sla: times are read by the same strict rules as safety logs', () => {
  it.each([
    // [value, accepted?, receivedAt as read (Shanghai) when accepted]
    ['2026-10-08T09:30:00+08:00', true, '2026-10-08T09:30:00.000+08:00'],
    ['2026-10-08 09:30', true, '2026-10-08T09:30:00.000+08:00'],
    ['2026-10-08T01:30:00Z', true, '2026-10-08T09:30:00.000+08:00'],
    ['2026-10-08', true, '2026-10-08T00:00:00.000+08:00'],
    ['1791430200000', true, '2026-10-08T11:30:00.000+08:00'],
    ['1791430200', false, ''], // epoch seconds would be 1970
    ['10:30', false, ''], // a time without a date is not "today"
    ['2026-W41-4', false, ''], // ISO week date
    ['2026-281', false, ''], // ISO ordinal date
    ['2026-10-08T09:30:00 CST', false, ''],
  ])('%s → accepted: %s', async (value, accepted, read) => {
    env = await complaintEnv(csv([{ id: 'T1', receivedAt: value, channel: 'web', category: 'a', respondedAt: '2026-10-09T10:00:00+08:00' }]));
    const r = await runComplaints(env, DAY1);
    if (!accepted) {
      expect(r.summary).toContain('none of the 1 rows of the complaint ledger');
      expect(r.summary).toContain('(complaints.csv:2: receivedAt is not a time: timestamp ');
      return;
    }
    expect(r.metrics).toMatchObject({ malformed: 0, monthToDate: { received: 1 } });
    const snapshot = readFileSync(env.archive.resolve(r.evidence.find((e) => e.path.endsWith('complaints.jsonl'))!.path), 'utf8');
    expect(JSON.parse(snapshot)).toMatchObject({ id: 'T1', deadline: due(read.slice(0, 10), 15) });
  });

  it('reads JSON numbers as epoch milliseconds and refuses epoch seconds', async () => {
    const lines = [{ id: 'J1', receivedAt: 1791430200000 }, { id: 'J2', receivedAt: 1791430200 }].map((x) => JSON.stringify(x)).join('\n');
    env = await complaintEnv(lines, { file: 'complaints.jsonl' });
    const r = await runComplaints(env, DAY1);
    expect(r.metrics).toMatchObject({ rows: 2, malformed: 1, monthToDate: { received: 1 } });
  });
});
