import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { caseHistory, listCases } from '../../../src/ledger/cases.js';
import type { Result } from '../../../src/lib/result.js';
import { baseConfig, writeConfig, type TestEnv } from '../../helpers/workspace.js';
import { CHECK, complaintEnv, csv, day, due, median, p95, runComplaints, wd, type Row } from './complaint-fixture.js';

/**
 * The fixture spans September–October 2026: Mid-Autumn (Sep 25–27), National Day (Oct 1–7) and
 * the make-up days Sun Sep 20 and Sat Oct 10. Expected values are computed here with the
 * chinese-days package as the working-day oracle and a plain median / nearest-rank p95, not with
 * Dossier's calendar or SLA code.
 */
const ROWS: Row[] = [
  { id: 'S1', receivedAt: '2026-09-03T10:00:00+08:00', channel: 'web', category: '账号', respondedAt: '2026-09-04T09:00:00+08:00', resolvedAt: '2026-09-10T12:00:00+08:00' },
  { id: 'S2', receivedAt: '2026-09-10T15:00:00+08:00', channel: 'app', category: '隐私', respondedAt: '2026-09-30T18:00:00+08:00' },
  { id: 'S3', receivedAt: '2026-09-18T11:00:00+08:00', channel: 'email', category: '违规内容', respondedAt: '2026-10-12T10:00:00+08:00' },
  { id: 'S4', receivedAt: '2026-09-07T09:00:00+08:00', channel: 'web', category: '违规内容', respondedAt: '2026-09-29T10:00:00+08:00', content: '用户来电 13812345678，\n邮箱 zhang.san@example.com, 身份证 110101199003071234' },
  { id: 'S5', receivedAt: '2026-09-22T10:00:00+08:00', channel: 'app', category: '违规内容' },
  { id: 'S6', receivedAt: '2026-09-14T10:00:00+08:00', channel: 'email', category: '账号' },
  { id: 'S7', receivedAt: '2026-09-25T10:00:00+08:00', channel: 'web', category: '隐私' },
  { id: 'O1', receivedAt: '2026-10-09T10:00:00+08:00', channel: 'app', category: '账号', respondedAt: '2026-10-09T17:00:00+08:00', resolvedAt: '2026-10-13T10:00:00+08:00' },
  { id: 'O2', receivedAt: '2026-10-12T09:00:00+08:00', channel: 'web', category: '隐私' },
  { id: 'O2', receivedAt: '2026-10-12T09:00:00+08:00', channel: 'web', category: '隐私', respondedAt: '2026-10-14T10:00:00+08:00' },
  { id: 'O3', receivedAt: '2026-10-15T09:00:00+08:00', channel: 'hotline', category: '隐私' },
  // Answered after the run's instant: still open as of 2026-10-20 08:00.
  { id: 'O4', receivedAt: '2026-10-19T20:00:00+08:00', channel: 'web', category: '账号', respondedAt: '2026-10-20T09:30:00+08:00' },
  // Received after the run's instant: not counted at all.
  { id: 'O5', receivedAt: '2026-10-21T09:00:00+08:00', channel: 'web', category: '账号' },
];
const AS_OF = '2026-10-20T08:00:00+08:00';
const SLA = 15;

function expected(rows: Row[], asOf: string, sla: number, from: string, to: string) {
  const latest = new Map(rows.map((r) => [r.id, r])); // a later row of the same id wins
  const t = Date.parse(asOf);
  const today = day(asOf);
  const known = (s?: string) => (s && Date.parse(s) <= t ? s : undefined);
  const judged = [...latest.values()]
    .filter((r) => Date.parse(r.receivedAt) <= t)
    .map((r) => {
      const answered = known(r.respondedAt) ?? known(r.resolvedAt);
      const deadline = due(day(r.receivedAt), sla);
      return { r, deadline, answered, rwd: answered ? wd(day(r.receivedAt), day(answered)) : undefined, onTime: answered ? day(answered) <= deadline : undefined, overdue: !answered && today > deadline, elapsed: wd(day(r.receivedAt), today) };
    });
  const win = judged.filter((j) => Date.parse(j.r.receivedAt) >= Date.parse(from) && Date.parse(j.r.receivedAt) < Date.parse(to));
  const answered = win.filter((j) => j.answered);
  const onTime = answered.filter((j) => j.onTime).length;
  const overdue = win.filter((j) => j.overdue).length;
  const times = answered.map((j) => j.rwd!);
  return {
    judged,
    metrics: {
      received: win.length,
      responded: answered.length,
      open: win.length - answered.length,
      onTime,
      late: answered.length - onTime,
      overdueOpen: overdue,
      compliance: onTime / (answered.length + overdue),
      responseWorkingDays: { count: times.length, median: median(times), p95: p95(times) },
    },
  };
}

// ---- running the check ----
let env: TestEnv;
afterEach(async () => env?.close());

async function setup(text: string, opts: { file?: string; sla?: number; source?: Record<string, unknown>; timezone?: string } = {}): Promise<void> {
  env = await complaintEnv(text, opts);
}

async function runAt(at: string): Promise<Result> {
  return runComplaints(env, at);
}

describe('complaint-sla', () => {
  it('computes volume, handling times and compliance like an independent count, for the month to date and the previous month', async () => {
    await setup(csv(ROWS));
    const r = await runAt(AS_OF);
    const mtd = expected(ROWS, AS_OF, SLA, '2026-10-01T00:00:00+08:00', '2026-10-20T08:00:00.001+08:00');
    const prev = expected(ROWS, AS_OF, SLA, '2026-09-01T00:00:00+08:00', '2026-10-01T00:00:00+08:00');
    const m = r.metrics as Record<string, Record<string, unknown>>;
    expect(m.monthToDate).toMatchObject(mtd.metrics);
    expect(m.previousMonth).toMatchObject(prev.metrics);
    // Spot checks by hand: O4's answer came after 08:00, O5 came later still.
    expect(mtd.metrics).toMatchObject({ received: 4, responded: 2, open: 2 });
    expect(prev.metrics).toMatchObject({ received: 7, onTime: 3, late: 1, overdueOpen: 1, compliance: 0.6 });
    expect((m.monthToDate as { byChannel: Record<string, unknown> }).byChannel.web).toMatchObject({ received: 2, responded: 1, open: 1 });
    expect(m).toMatchObject({ rows: 13, malformed: 0, duplicates: 1 });
  });

  it('opens warn cases near the limit and fail cases past it, with the deadlines an independent count gives', async () => {
    await setup(csv(ROWS));
    const r = await runAt(AS_OF);
    const { judged } = expected(ROWS, AS_OF, SLA, '2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z');
    const watched = judged.filter((j) => !j.answered && (j.overdue || j.elapsed >= 0.7 * SLA));
    expect(watched.map((j) => j.r.id)).toEqual(['S5', 'S6', 'S7']);
    const caseFindings = r.findings.filter((f) => f.code.startsWith('complaint-'));
    expect(caseFindings.map((f) => [(f.data as { complaint: { id: string } }).complaint.id, f.code, f.deadline])).toEqual(
      watched.map((j) => [j.r.id, j.overdue ? 'complaint-overdue' : 'complaint-near-deadline', j.deadline]),
    );
    // By hand: S6 (Mon Sep 14) was due Sat Oct 10, a make-up day; S5 (Tue Sep 22) is due today.
    expect(caseFindings.map((f) => f.deadline)).toEqual(['2026-10-20', '2026-10-10', '2026-10-22']);
    expect(r.status).toBe('fail');
    expect(caseFindings[1]!.message).toBe('投诉 S6（email / 账号，2026-09-14 10:00 收到）尚未答复，已超过答复期限 2026-10-10（逾期 10 天）');
    expect(caseFindings[0]!.message).toBe('投诉 S5（app / 违规内容，2026-09-22 10:00 收到）尚未答复，已用 15/15 个工作日，须在 2026-10-20 前答复');
  });

  it('archives the rows behind the numbers with personal data masked', async () => {
    await setup(csv(ROWS));
    const r = await runAt(AS_OF);
    const snapshot = readFileSync(env.archive.resolve(r.evidence.find((e) => e.path.endsWith('complaints.jsonl'))!.path), 'utf8');
    const rows = snapshot.trim().split('\n').map((l) => JSON.parse(l) as { id: string; record: Record<string, string> });
    expect(rows.map((x) => x.id)).toEqual(['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'O1', 'O2', 'O3', 'O4']);
    expect(rows[3]!.record.content).toBe('用户来电 138****5678，\n邮箱 ***@example.com, 身份证 110101********1234');
    expect(snapshot).not.toContain('13812345678');
    expect(rows[3]!.record.receivedAt).toBe('2026-09-07T09:00:00+08:00');
  });

  it('keeps a case deadline when the SLA changes, and closes cases when answered or gone', async () => {
    await setup(csv(ROWS));
    await runAt(AS_OF);
    // The next day: S6 answered, S7 removed from the file, the limit cut to 10 working days.
    const next = ROWS.filter((x) => x.id !== 'S7').map((x) => (x.id === 'S6' ? { ...x, respondedAt: '2026-10-20T15:00:00+08:00' } : x));
    writeFileSync(join(env.dir, 'examples/assistant/complaints.csv'), csv(next));
    env.config = writeConfig(env.dir, baseConfig({ redis: env.config.redis, checks: [{ id: CHECK, type: 'complaint-sla', service: 'assistant', cron: '0 8 * * *', slaWorkingDays: 10 }] })).config;
    env.config.services[0]!.sources.complaints = { file: join(env.dir, 'examples/assistant/complaints.csv') };
    const r = await runAt('2026-10-21T08:00:00+08:00');
    const byId = Object.fromEntries(r.findings.filter((f) => f.code.startsWith('complaint-')).map((f) => [(f.data as { complaint: { id: string } }).complaint.id, f]));
    // S5 keeps the deadline frozen under the 15-day limit (Oct 20) and is now overdue by one day.
    expect(byId.S5).toMatchObject({ code: 'complaint-overdue', deadline: '2026-10-20' });
    // O3 (Thu Oct 15) is new under the 10-day limit: used 4 of 10 working days, not a case yet.
    expect(byId.O3).toBeUndefined();
    const resolved = r.findings.filter((f) => f.code === 'case-resolved').map((f) => (f.data as { reason: string }).reason).sort();
    expect(resolved).toEqual(['answered', 'disappeared']);
    const states = (await listCases(env.ledger)).map((c) => [c.key.complaint, c.state, c.resolution?.reason]);
    expect(states).toEqual([
      ['S5', 'open', undefined],
      ['S6', 'resolved', 'answered'],
      ['S7', 'resolved', 'disappeared'],
    ]);
  });

  it('counts late answers of the month as breaches (warn) and reads JSONL with mapped field names', async () => {
    const rows = [
      { ticket: 'L1', created: '2026-10-08 09:00:00', via: 'web', type: '账号', replied: '2026-10-19 10:00:00' },
      { ticket: 'L2', created: 1760000000000, via: 'app', type: '隐私', replied: '2026-10-13T10:00:00+08:00' },
    ];
    const text = `${rows.map((x) => JSON.stringify(x)).join('\n')}\n{"ticket": "L3", "created": "yesterday"}\nnot json\n`;
    await setup(text, { file: 'complaints.jsonl', sla: 5, source: { fields: { id: 'ticket', receivedAt: 'created', channel: 'via', category: 'type', respondedAt: 'replied', resolvedAt: 'closed' } } });
    const r = await runAt(AS_OF);
    // L1: Thu Oct 8 → Mon Oct 19 = Oct 9, 10 (make-up), 12–16, 19 = 8 working days > 5.
    expect(wd('2026-10-08', '2026-10-19')).toBe(8);
    // L2: epoch 1760000000000 = 2025-10-09 (last year), in neither window, but answered this
    // month (Oct 13), a year late: a breach of this month too.
    expect(r.findings.map((f) => f.code)).toEqual(['late-responses', 'malformed-rows']);
    expect(r.findings[0]!.message).toBe('本月答复的投诉中有 2 件超过 5 个工作日才答复：L1, L2');
    expect((r.findings[1]!.data as { samples: string[] }).samples).toEqual([
      'complaints.jsonl:3: created is not a time: timestamp is not ISO-8601 (YYYY-MM-DDTHH:MM:SS±HH:MM) or epoch milliseconds',
      'complaints.jsonl:4: not valid JSON',
    ]);
    expect(r.status).toBe('warn');
    expect(r.metrics).toMatchObject({ monthToDate: { received: 1, late: 1, compliance: 0 }, rows: 4, malformed: 2 });
  });

  it('warns about answers given late this month, also for complaints received in an earlier month', async () => {
    const rows: Row[] = [
      { id: 'A', receivedAt: '2026-09-01T10:00:00+08:00', channel: 'web', category: 'x', respondedAt: '2026-10-09T10:00:00+08:00' },
      { id: 'B', receivedAt: '2026-09-02T10:00:00+08:00', channel: 'web', category: 'x', respondedAt: '2026-09-30T10:00:00+08:00' },
      { id: 'C', receivedAt: '2026-10-08T09:00:00+08:00', channel: 'web', category: 'x', respondedAt: '2026-10-19T10:00:00+08:00' },
      { id: 'D', receivedAt: '2026-09-20T10:00:00+08:00', channel: 'web', category: 'x', respondedAt: '2026-10-19T10:00:00+08:00' },
    ];
    await setup(csv(rows));
    const r = await runAt(AS_OF);
    const lateThisMonth = rows.filter((x) => x.respondedAt! >= '2026-10-01' && x.respondedAt! <= AS_OF && day(x.respondedAt!) > due(day(x.receivedAt), SLA)).map((x) => x.id);
    // By hand: A was due Mon Sep 21 (Sun Sep 20 worked), D Fri Oct 16; B was late in September.
    expect(lateThisMonth).toEqual(['A', 'D']);
    const late = r.findings.find((f) => f.code === 'late-responses')!;
    expect(late.data).toEqual({ count: 2, ids: lateThisMonth });
    expect(late.message).toBe('本月答复的投诉中有 2 件超过 15 个工作日才答复：A, D');
  });

  it('writes a case row only when something about the case changes, not every day', async () => {
    const rows: Row[] = [
      { id: 'V1', receivedAt: '2026-09-22T10:00:00+08:00', channel: 'web', category: 'x' }, // due Oct 20: overdue from Oct 21
      { id: 'V2', receivedAt: '2026-09-25T10:00:00+08:00', channel: 'web', category: 'x' },
    ];
    await setup(csv(rows));
    for (const at of [AS_OF, '2026-10-21T08:00:00+08:00', '2026-10-22T08:00:00+08:00']) await runAt(at);
    const events = Object.fromEntries(await Promise.all((await listCases(env.ledger)).map(async (c) => [c.key.complaint, (await caseHistory(env.ledger, c.caseId)).map((h) => h.event)])));
    expect(events).toEqual({ V1: ['opened', 'overdue'], V2: ['opened'] });
  });

  it('is inconclusive when the ledger is missing or nothing in it can be read', async () => {
    await setup('id,receivedAt\nX,never\n');
    let r = await runAt(AS_OF);
    expect(r.status).toBe('inconclusive');
    expect(r.summary).toContain('none of the 1 rows of the complaint ledger');
    await setup('foo,bar\n1,2\n');
    r = await runAt(AS_OF);
    expect(r.summary).toContain('has no column id, receivedAt in its header ("foo", "bar"); map the names with sources.complaints.fields');
    env.config.services[0]!.sources.complaints = { file: join(env.dir, 'nope.csv') };
    r = await runAt(AS_OF);
    expect(r.summary).toContain('the file does not exist; fix sources.complaints.file');
  });

  it('puts a complaint in the month of the configured zone (Shanghai vs Berlin, across the DST change)', async () => {
    // Oct 1 01:00 in Shanghai is Sep 30 19:00 in Berlin.
    const rows: Row[] = [
      { id: 'Z1', receivedAt: '2026-10-01T01:00:00+08:00', channel: 'web', category: 'x', respondedAt: '2026-10-01T02:00:00+08:00' },
      { id: 'Z2', receivedAt: '2026-10-31T23:30:00+01:00', channel: 'web', category: 'x', respondedAt: '2026-11-01T00:10:00+01:00' },
      { id: 'Z3', receivedAt: '2026-11-01T00:30:00+01:00', channel: 'web', category: 'x', respondedAt: '2026-11-01T00:40:00+01:00' },
    ];
    await setup(csv(rows), { timezone: 'Europe/Berlin' });
    let m = (await runAt('2026-10-20T08:00:00+02:00')).metrics as { monthToDate: { received: number }; previousMonth: { received: number } };
    expect([m.previousMonth.received, m.monthToDate.received]).toEqual([1, 0]);
    m = (await runAt('2026-11-02T08:00:00+01:00')).metrics as typeof m;
    expect([m.previousMonth.received, m.monthToDate.received]).toEqual([1, 1]);
    await setup(csv(rows));
    m = (await runAt('2026-10-20T08:00:00+08:00')).metrics as typeof m;
    expect([m.previousMonth.received, m.monthToDate.received]).toEqual([0, 1]);
  });

  it('keeps at most 200 complaint cases open and reports the rest in one finding', async () => {
    // A ledger whose answers are not mapped: every complaint looks unanswered and overdue.
    const rows: Row[] = Array.from({ length: 205 }, (_, i) => ({ id: `N${String(i).padStart(3, '0')}`, receivedAt: `2026-08-${String(3 + (i % 20)).padStart(2, '0')}T10:00:00+08:00`, channel: 'web', category: 'x' }));
    await setup(csv(rows));
    const r = await runAt(AS_OF);
    expect(r.findings.filter((f) => f.code === 'complaint-overdue')).toHaveLength(200);
    const rest = r.findings.find((f) => f.code === 'complaints-without-case')!;
    expect(rest).toMatchObject({ severity: 'fail', data: { count: 5, overdue: 5 } });
    expect(r.metrics).toMatchObject({ open: { total: 205, overdue: 205, near: 0 } });
    expect(await listCases(env.ledger, { open: true })).toHaveLength(200);
  });
});
