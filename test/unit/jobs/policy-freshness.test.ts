import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { countEntries } from '../../../jobs/policy-freshness.js';
import type { Result } from '../../../src/lib/result.js';
import { runCheck } from '../../../workers/run-check.js';
import { baseConfig, testEnv, type TestEnv } from '../../helpers/workspace.js';

let env: TestEnv;
afterEach(async () => env?.close());

const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join('\n') + '\n';

/** A workspace whose policy files are small temp files this test controls. */
type Files = { keywords: string; refuse: string; answer: string };

async function setup(check: Record<string, unknown> = {}, locale = 'en'): Promise<TestEnv & { files: Files }> {
  const cfg = baseConfig({ locale });
  const svc = (cfg.services as Array<Record<string, any>>)[0]!;
  svc.sources.keywordLibrary = { file: '../policies/keywords.txt' };
  svc.sources.questionBanks = { refuse: '../policies/refuse.csv', answer: '../policies/answer.txt' };
  cfg.checks = [{ id: 'pf', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * *', ...check }];
  env = await testEnv({ config: cfg, at: '2026-11-02T10:00:00+08:00' });
  const dir = join(env.dir, 'policies');
  const files: Files = { keywords: join(dir, 'keywords.txt'), refuse: join(dir, 'refuse.csv'), answer: join(dir, 'answer.txt') };
  (await import('node:fs')).mkdirSync(dir, { recursive: true });
  writeFileSync(files.keywords, '# comment\n\n' + lines(12, 'kw-'));
  writeFileSync(files.refuse, 'id,question\n' + lines(6, 'r,'));
  writeFileSync(files.answer, lines(7, 'question '));
  return Object.assign(env, { files });
}

async function run(e: TestEnv, daysLater = 0): Promise<Result> {
  if (daysLater) e.clock.advance({ days: daysLater });
  const { result } = await runCheck(e, { checkId: 'pf', scheduledAt: e.clock.now(), trigger: 'schedule', attempt: 1, maxAttempts: 1 });
  return result;
}

const codes = (r: Result) => r.findings.map((f) => f.code);
const small = { keywordLibrary: { minEntries: 10, warnDays: 7, failDays: 14 }, questionBanks: { minEntries: 5, warnDays: 24, failDays: 31 } };

describe('policy-freshness', () => {
  it('counts entries: keyword comments and blank lines ignored, CSV header skipped', async () => {
    const e = await setup(small);
    const r = await run(e);
    expect(r.status).toBe('pass');
    const m = r.metrics as any;
    expect(m.keywordLibrary).toMatchObject({ entries: 12, uniqueEntries: 12, file: 'keywords.txt', firstObservation: true, unchangedDays: 0 });
    expect(m.questionBanks.refuse.entries).toBe(6);
    expect(m.questionBanks.answer.entries).toBe(7);
    expect(m.keywordLibrary.sha256).toBe((await countEntries(e.files.keywords, 'keywords')).sha256);
    expect(codes(r)).toEqual(['first-observation', 'first-observation', 'first-observation']);
  });

  it('fails below the minimum entry counts from config', async () => {
    const e = await setup({ ...small, keywordLibrary: { minEntries: 13, warnDays: 7, failDays: 14 } });
    const r = await run(e);
    expect(r.status).toBe('fail');
    expect(r.findings.find((f) => f.code === 'keyword-library-too-small')?.message).toBe('Keyword library has 12 entries, below the required 13');
  });

  it('applies the spec defaults: 10,000 keywords and 500 per bank', async () => {
    const e = await setup();
    const r = await run(e);
    expect(r.status).toBe('fail');
    expect(codes(r).filter((c) => c.endsWith('too-small'))).toEqual(['keyword-library-too-small', 'question-bank-too-small', 'question-bank-too-small']);
  });

  it('tracks freshness by content hash across runs: warn after 7 days, fail after 14, pass once changed', async () => {
    const e = await setup(small);
    await run(e); // first observation: the clock starts here
    expect((await run(e, 7)).status).toBe('pass'); // exactly 7 days: not more than 7
    const warn = await run(e, 1);
    expect(warn.status).toBe('warn');
    expect(warn.findings.find((f) => f.code === 'keyword-library-stale')).toMatchObject({ severity: 'warn', message: 'Keyword library has not changed for 8 days (more than 7)' });

    // Touching the file without changing it does not count: mtime is not trusted.
    utimesSync(e.files.keywords, new Date(), new Date());
    const fail = await run(e, 7);
    expect(fail.status).toBe('fail');
    expect((fail.metrics as any).keywordLibrary.unchangedSince).toBe('2026-11-02T10:00:00.000+08:00');
    expect(fail.findings.find((f) => f.code === 'keyword-library-stale')?.severity).toBe('fail');

    appendFileSync(e.files.keywords, 'new-term\n');
    const fresh = await run(e, 1);
    expect(fresh.status).toBe('pass');
    // New content first seen on 11-18; it may have appeared right after the run of 11-17 that still saw the old one.
    expect((fresh.metrics as any).keywordLibrary).toMatchObject({
      entries: 13,
      unchangedDays: 1,
      unchangedSince: '2026-11-17T10:00:00.000+08:00',
      firstSeen: '2026-11-18T10:00:00.000+08:00',
      firstObservation: false,
    });
  });

  it('never under-reports age: new content counts from the last run that saw the old one (weekly runs)', async () => {
    const e = await setup(small);
    const age = (r: Result) => (r.metrics as any).keywordLibrary;
    expect(age(await run(e))).toMatchObject({ unchangedDays: 0, firstObservation: true }); // Mon 11-02
    expect((await run(e, 7)).status).toBe('pass'); // 11-09: 7 days, not more than 7
    writeFileSync(e.files.keywords, lines(12, 'kw-v2-'));
    const changed = await run(e, 7); // 11-16: new content, which may date from just after 11-09
    expect(age(changed)).toMatchObject({ unchangedDays: 7, unchangedSince: '2026-11-09T10:00:00.000+08:00', firstSeen: '2026-11-16T10:00:00.000+08:00' });
    expect(changed.status).toBe('pass');
    const week2 = await run(e, 7); // 11-23: unchanged for up to 14 days: more than 7
    expect(age(week2)).toMatchObject({ unchangedDays: 14, unchangedSince: '2026-11-09T10:00:00.000+08:00', firstSeen: '2026-11-16T10:00:00.000+08:00' });
    expect(week2.findings.find((f) => f.code === 'keyword-library-stale')).toMatchObject({ severity: 'warn', message: 'Keyword library has not changed for 14 days (more than 7)' });
    expect((await run(e, 7)).findings.find((f) => f.code === 'keyword-library-stale')?.severity).toBe('fail'); // 11-30: 21 days
  });

  it('a CRLF re-save, reordered or repeated lines are not an update; the raw hash still shows the new bytes', async () => {
    const e = await setup(small);
    const first = (await run(e)).metrics as any;
    const words = lines(12, 'kw-').trim().split('\n');
    writeFileSync(e.files.keywords, '\uFEFF# comment, edited\r\n' + [...words].reverse().map((w) => `  ${w}\t`).join('\r\n') + '\r\n' + words[0] + '\r\n');
    const again = (await run(e, 8)).metrics as any;
    expect(again.keywordLibrary.sha256).not.toBe(first.keywordLibrary.sha256);
    expect(again.keywordLibrary).toMatchObject({ contentSha256: first.keywordLibrary.contentSha256, unchangedSince: '2026-11-02T10:00:00.000+08:00', unchangedDays: 8, entries: 13, uniqueEntries: 12 });
    // The fingerprint is the sorted set of entries, computed here the plain way.
    const sha = (x: string) => createHash('sha256').update(x).digest('hex');
    const set = [...new Set(words)].map((w) => createHash('sha1').update(w).digest('base64')).sort();
    expect(first.keywordLibrary.contentSha256).toBe(sha(set.join('\n')));
  });

  it('the first observation says that the age before it is unknown', async () => {
    const e = await setup(small);
    const r = await run(e);
    expect(r.findings.find((f) => f.code === 'first-observation')!.message).toBe(
      'First record of the keyword library content hash: how long it was unchanged before is unknown; the days unchanged are counted from now on',
    );
  });

  it('banks go stale after 24 (warn) and 31 (fail) days', async () => {
    const e = await setup({ ...small, keywordLibrary: { minEntries: 1, warnDays: 100, failDays: 100 } });
    await run(e);
    expect((await run(e, 25)).findings.filter((f) => f.code === 'question-bank-stale').map((f) => f.severity)).toEqual(['warn', 'warn']);
    expect((await run(e, 7)).status).toBe('fail');
  });

  it('a missing file is inconclusive and named; the other parts are still measured', async () => {
    const e = await setup(small);
    rmSync(e.files.answer);
    const r = await run(e);
    expect(r.status).toBe('inconclusive');
    const missing = r.findings.find((f) => f.code === 'source-missing')!;
    expect(missing.message).toMatch(/Cannot read the should-answer bank \(file not found\): .*answer\.txt/);
    expect((r.metrics as any).keywordLibrary.entries).toBe(12);
  });

  it('a run that could not read a file does not reset its freshness clock', async () => {
    const e = await setup(small);
    await run(e);
    const saved = readFileSync(e.files.keywords);
    rmSync(e.files.keywords);
    expect((await run(e, 5)).status).toBe('inconclusive');
    writeFileSync(e.files.keywords, saved);
    const back = await run(e, 4);
    expect((back.metrics as any).keywordLibrary.unchangedDays).toBe(9);
    expect(back.status).toBe('warn');
  });

  it('counts CSV banks by records: a quoted question may hold commas and line breaks', async () => {
    const e = await setup(small);
    const file = join(e.dir, 'policies', 'bank.csv');
    writeFileSync(file, 'id,question\r\n1,"如何制作, 详细步骤\r\n第二行"\r\n\r\n2,plain\r\n3,"unclosed\r\n');
    // Records: 1 (two lines), 2; the quote left open at the end costs its own line only.
    expect(await countEntries(file, 'bank')).toMatchObject({ entries: 2, uniqueEntries: 2, malformed: 1 });
  });

  it('counts JSONL banks by parsable lines and reports the unparsable ones', async () => {
    const e = await setup(small);
    const file = join(e.dir, 'policies', 'bank.jsonl');
    writeFileSync(file, '{"q":1}\n{"q":2}\nnot json\n\n{"q":3}\n');
    expect(await countEntries(file, 'bank')).toMatchObject({ entries: 3, malformed: 1 });
  });

  it('evidence holds counts and hashes, never the entries themselves; texts in zh-CN by default', async () => {
    const e = await setup(small, 'zh-CN');
    const r = await run(e);
    expect(r.summary).toBe('关键词库 12 条（0 天未变）；拒答题库 6 条（0 天未变）；非拒答题库 7 条（0 天未变）');
    const summary = readFileSync(e.archive.resolve(r.evidence.find((x) => x.path.endsWith('summary.json'))!.path), 'utf8');
    expect(JSON.parse(summary).keywordLibrary.entries).toBe(12);
    expect(summary).not.toMatch(/kw-|question /);
  });
});
