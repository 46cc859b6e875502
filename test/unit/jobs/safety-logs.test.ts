import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../../src/archive/verify.js';
import { latestResult } from '../../../src/ledger/runs.js';
import type { Result } from '../../../src/lib/result.js';
import { runCheck } from '../../../workers/run-check.js';
import { baseConfig, testEnv, type TestEnv } from '../../helpers/workspace.js';

const CHECK = 'assistant-safety-logs';
let env: TestEnv | undefined;

afterEach(async () => {
  await env?.close();
  env = undefined;
});

type Written = Record<string, unknown>;

/** A workspace whose safety-log source is `logs/` (written by the test) unless `files` says otherwise. */
async function setup(opts: { check?: Written; source?: Written; locale?: string; logs?: Record<string, string | Buffer> } = {}) {
  const base = baseConfig();
  const service = (base.services as Written[])[0]!;
  const sources = service.sources as Written;
  if (opts.logs) sources.safetyLogs = { files: '../logs/*', ...opts.source };
  else if (opts.source) sources.safetyLogs = { ...(sources.safetyLogs as Written), ...opts.source };
  const check = { id: CHECK, type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *', notify: ['ops'], ...opts.check };
  env = await testEnv({ config: { ...base, ...(opts.locale ? { locale: opts.locale } : {}), checks: [check] } });
  if (opts.logs) {
    mkdirSync(join(env.dir, 'logs'), { recursive: true });
    for (const [name, content] of Object.entries(opts.logs)) writeFileSync(join(env.dir, 'logs', name), content);
  }
  return env;
}

async function run(e: TestEnv, at = '2026-11-01T02:00:00+08:00'): Promise<Result> {
  const { result } = await runCheck(e, { checkId: CHECK, scheduledAt: DateTime.fromISO(at, { setZone: true }), trigger: 'local', attempt: 1, maxAttempts: 1 });
  return result;
}

function evidence(e: TestEnv, r: Result, name: string): Buffer {
  const ref = r.evidence.find((x) => x.path.endsWith(`/${name}`));
  if (!ref) throw new Error(`no ${name} in ${r.evidence.map((x) => x.path).join(', ')}`);
  return readFileSync(e.archive.resolve(ref.path));
}

const jsonl = (events: unknown[]) => events.map((x) => JSON.stringify(x)).join('\n') + '\n';

describe('safety-logs handler', () => {
  it('collects the shipped sample month: the period from the scheduled instant, metrics, evidence, status', async () => {
    const e = await setup();
    const r = await run(e);
    expect(r.period.key).toBe('2026-10');
    expect(r.status).toBe('warn'); // 23 of 1240 blocked = 1.85%, above the 1% warn line
    const m = r.metrics as Record<string, any>;
    expect([m.total, m.passed, m.blocked, m.reviewed, m.malformed, m.outsidePeriod]).toEqual([1240, 1197, 23, 20, 0, 2400]);
    expect(m.violationRate).toBeCloseTo(23 / 1240, 12);
    expect(Object.keys(m.byDay)).toHaveLength(31);
    expect(Object.values(m.byDay as Record<string, { total: number }>).reduce((n, d) => n + d.total, 0)).toBe(1240);
    expect(m.files.map((f: { name: string; gzip: boolean; lines: number }) => [f.name, f.gzip, f.lines])).toEqual([
      ['2026-09.jsonl', false, 1200],
      ['2026-10.jsonl.gz', true, 1240],
      ['2026-11.jsonl', false, 1200],
    ]);
    const raw = readFileSync(join(e.dir, 'examples/assistant/safety-logs/2026-10.jsonl.gz'));
    expect(m.files[1].sha256).toBe(createHash('sha256').update(raw).digest('hex'));
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['violation-rate-high', 'warn']]);
    expect(r.evidence.map((x) => x.path.split('/').at(-1)).sort()).toEqual(['events.jsonl.gz', 'manifest.json', 'report.md', 'summary.json']);
    const summary = JSON.parse(evidence(e, r, 'summary.json').toString()) as { metrics: unknown; status: string };
    expect(summary.metrics).toEqual(r.metrics);
    expect(summary.status).toBe('warn');
    const events = gunzipSync(evidence(e, r, 'events.jsonl.gz')).toString().trim().split('\n');
    expect(events).toHaveLength(1240);
    const report = evidence(e, r, 'report.md').toString();
    expect(report).toContain('# 安全日志月度归集报告: 2026-10');
    expect(report).toContain('| 2026-10-31 |');
    expect(await latestResult(e.ledger, CHECK, '2026-10')).toMatchObject({ runId: r.runId, status: 'warn' });
  });

  it.each([
    [{ warn: 0.05, fail: 0.1 }, 'pass', []],
    [{ warn: 0.01, fail: 0.015 }, 'fail', [['violation-rate-high', 'fail']]],
  ])('judges the violation rate against thresholds %j', async (violationRate, status, findings) => {
    const e = await setup({ check: { thresholds: { violationRate } } });
    const r = await run(e);
    expect(r.status).toBe(status);
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual(findings);
  });

  it('masks personal data anywhere in the archived events, and none of it reaches summary.json or the report', async () => {
    const pii = ['13812345678', '15900001111', '110101199003071234', '11010119900307123X', 'zhang.san@example.com', 'li@corp.cn'];
    const e = await setup({
      logs: {
        'a.jsonl': jsonl([
          { ts: '2026-10-02T10:00:00+08:00', verdict: 'block', category: 'privacy 13812345678', requestId: 'zhang.san@example.com', text: '身份证 110101199003071234' },
          { ts: '2026-10-02T11:00:00+08:00', verdict: 'pass', user: { phone: 15900001111, ids: ['11010119900307123X'] }, 'li@corp.cn': 'key holds an email' },
          { ts: '2026-10-02T12:00:00+08:00', verdict: 'maybe call 13812345678', text: 'unknown verdict quoting a phone' },
        ]),
      },
    });
    const r = await run(e);
    const events = gunzipSync(evidence(e, r, 'events.jsonl.gz')).toString();
    const summary = evidence(e, r, 'summary.json').toString();
    const report = evidence(e, r, 'report.md').toString();
    for (const secret of pii) {
      expect(events).not.toContain(secret);
      expect(summary).not.toContain(secret);
      expect(report).not.toContain(secret);
      expect(JSON.stringify(r)).not.toContain(secret);
    }
    const [first, second] = events.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(first).toMatchObject({ category: 'privacy 138****5678', requestId: '***@example.com', text: '身份证 110101********1234' });
    expect(second).toMatchObject({ user: { phone: '159****1111', ids: ['110101********123X'] }, '***@corp.cn': 'key holds an email' });
    expect((r.metrics as any).byCategory).toEqual({ 'privacy 138****5678': { total: 1, blocked: 1 } });
    expect((r.metrics as any).malformedSamples).toEqual(['a.jsonl:3: unknown verdict "maybe call 138****5678"']);
  });

  it('keeps events as they are with maskPersonalData: false (summary and report stay masked)', async () => {
    const e = await setup({ check: { maskPersonalData: false }, logs: { 'a.jsonl': jsonl([{ ts: '2026-10-02T10:00:00Z', verdict: 'block', category: 'x 13812345678', text: 'call 13812345678' }]) } });
    const r = await run(e);
    expect(gunzipSync(evidence(e, r, 'events.jsonl.gz')).toString()).toContain('call 13812345678');
    expect(evidence(e, r, 'summary.json').toString()).not.toContain('13812345678');
    expect(evidence(e, r, 'report.md').toString()).toContain('maskPersonalData: false');
  });

  it('is inconclusive when no file matches, naming the glob and the missing directory', async () => {
    const e = await setup({ source: { files: '../nowhere/*.jsonl' } });
    const r = await run(e);
    expect(r.status).toBe('inconclusive');
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ code: 'no-source-files', severity: 'fail' });
    expect(r.findings[0]!.message).toContain(join(e.dir, 'nowhere/*.jsonl'));
    expect(r.findings[0]!.message).toContain(`目录不存在：${join(e.dir, 'nowhere')}`);
    expect(r.evidence.map((x) => x.path.split('/').at(-1)).sort()).toEqual(['manifest.json', 'report.md', 'summary.json']);
  });

  it('is inconclusive when the period has no events, and when a file could not be read to its end', async () => {
    let e = await setup({ logs: { 'a.jsonl': jsonl([{ ts: '2026-09-15T00:00:00Z', verdict: 'pass' }]), 'empty.jsonl': '' } });
    let r = await run(e);
    expect(r.status).toBe('inconclusive');
    expect(r.findings.map((f) => f.code)).toEqual(['no-events']);
    expect(r.findings[0]!.message).toMatch(/2 个日志文件中没有本期（2026-10-01 至 2026-10-31）的事件：读取 1 行，期间外 1 条/);
    await e.close();

    const good = jsonl(Array.from({ length: 50 }, () => ({ ts: '2026-10-02T00:00:00Z', verdict: 'pass' })));
    const cut = gzipSync(jsonl(Array.from({ length: 5000 }, (_, i) => ({ ts: '2026-10-03T00:00:00Z', verdict: 'pass', i }))));
    e = await setup({ logs: { 'a.jsonl': good, 'b.jsonl.gz': cut.subarray(0, cut.length - 100) } });
    r = await run(e);
    expect(r.status).toBe('inconclusive');
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['source-unreadable', 'fail']]);
    expect(r.findings[0]!.message).toMatch(/b\.jsonl\.gz 未能完整读取（gzip data is damaged or cut short/);
  });

  it('warns when malformed lines exceed malformedWarnRatio, with samples as file:line: reason', async () => {
    const events = Array.from({ length: 97 }, () => JSON.stringify({ ts: '2026-10-02T00:00:00Z', verdict: 'pass' }));
    const e = await setup({ locale: 'en', logs: { 'a.jsonl': [...events, '{bad', 'not json', '{"ts":"2026-10-02T00:00:00Z"}'].join('\n') } });
    const r = await run(e);
    expect(r.status).toBe('warn');
    expect(r.findings.map((f) => [f.code, f.severity])).toEqual([['malformed-lines', 'warn']]);
    expect(r.findings[0]!.message).toBe('3 malformed lines (3.00% of lines, above 1.00%); samples in summary.json');
    expect((r.metrics as any).malformedSamples).toEqual(['a.jsonl:98: invalid JSON', 'a.jsonl:99: invalid JSON', 'a.jsonl:100: no "verdict" field']);
    expect(r.summary).toBe('2026-10: 97 events, 0 blocked, violation rate 0.00% (warn above 1.00%, fail above 3.00%); 0 sent to review; 3 malformed lines');
    expect(evidence(e, r, 'report.md').toString()).toContain('# Monthly safety-log collection: 2026-10');
  });

  it('reads the shipped CSV sample with its field and verdict mapping', async () => {
    const e = await setup({
      source: {
        files: '../examples/assistant/safety-logs-csv/*.csv',
        fields: { ts: 'time', verdict: 'action', category: 'label', requestId: 'request_id' },
        verdicts: { pass: ['allow'], block: ['reject'], review: ['manual'] },
      },
    });
    const r = await run(e);
    const rows = readFileSync(join(e.dir, 'examples/assistant/safety-logs-csv/2026-10.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const count = (action: string) => rows.filter((f) => f[1] === action).length;
    expect((r.metrics as any).total).toBe(310);
    expect([(r.metrics as any).passed, (r.metrics as any).blocked, (r.metrics as any).reviewed]).toEqual([count('allow'), count('reject'), count('manual')]);
    const events = gunzipSync(evidence(e, r, 'events.jsonl.gz')).toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(events).toHaveLength(310);
    expect(Object.keys(events[0]!)).toEqual(['time', 'action', 'label', 'request_id', 'text']);
    expect(events.map((x) => x.text).join()).not.toMatch(/13812345678|zhang\.san@/);
  });

  it('refuses a verdict value mapped to two verdicts, once, without retrying', async () => {
    const e = await setup({ source: { verdicts: { block: ['flagged'], review: ['Flagged'] } } });
    const { result, retry } = await runCheck(e, { checkId: CHECK, scheduledAt: DateTime.fromISO('2026-11-01T02:00:00+08:00'), trigger: 'local', attempt: 1, maxAttempts: 3 });
    expect(retry).toBe(false);
    expect(result.status).toBe('inconclusive');
    expect(result.error).toBe('services[assistant].sources.safetyLogs.verdicts: verdict value "Flagged" is mapped to two verdicts; list it under one of pass, block, review');
  });

  it('reads a big month in worker threads: the same evidence, verified, nothing left behind', async () => {
    // ~70 MB: over the inline limit (64 MB) and the split size (32 MB), so the default settings
    // cut the file into ranges for the worker threads.
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const ts = new Date(Date.parse('2026-10-01T00:00:00+08:00') + i * 1_300_000).toISOString();
      lines.push(JSON.stringify({ ts, verdict: i % 50 === 0 ? 'block' : 'pass', category: i % 50 === 0 ? 'fraud' : undefined, text: `${'事件内容 '.repeat(20)} ${i % 10 === 0 ? '联系 13812345678' : ''}` }));
    }
    const block = Buffer.from(lines.join('\n') + '\n');
    const copies = Math.ceil((70 * 1024 * 1024) / block.length);
    const e = await setup({ logs: { 'big.jsonl': Buffer.concat(Array.from({ length: copies }, () => block)) } });
    const logs: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, cb) => (logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>), cb()) });
    e.logger = pino({ level: 'info' }, sink);
    const r = await run(e);
    const m = r.metrics as any;
    expect([m.total, m.blocked, m.malformed, m.lines]).toEqual([2000 * copies, 40 * copies, 0, 2000 * copies]);
    const collected = logs.find((l) => l.msg === 'safety logs collected') as { threads: number };
    if (availableParallelism() > 1) expect(collected.threads).toBeGreaterThan(1);
    const events = gunzipSync(evidence(e, r, 'events.jsonl.gz')).toString();
    expect(events.split('\n').length - 1).toBe(2000 * copies);
    expect(events).not.toContain('13812345678');
    expect(events.split('138****5678').length - 1).toBe(200 * copies);
    expect(readdirSync(join(e.config.archive.dir, '.tmp'))).toEqual([]);
    const report = await verifyArchive(e.ledger, e.archive);
    expect(report.problems).toEqual([]);
  });

  it('re-running a period writes a new run directory and leaves the earlier evidence untouched', async () => {
    const e = await setup();
    const first = await run(e);
    const before = first.evidence.map((x) => [x.path, createHash('sha256').update(readFileSync(e.archive.resolve(x.path))).digest('hex')]);
    e.clock.advance({ minutes: 5 });
    const second = await run(e);
    expect(second.runId).not.toBe(first.runId);
    expect(new Set(second.evidence.map((x) => x.path.split('/').slice(0, -1).join('/')))).not.toEqual(new Set(first.evidence.map((x) => x.path.split('/').slice(0, -1).join('/'))));
    const after = first.evidence.map((x) => [x.path, createHash('sha256').update(readFileSync(e.archive.resolve(x.path))).digest('hex')]);
    expect(after).toEqual(before);
    expect(before.map(([, h]) => h)).toEqual(first.evidence.map((x) => x.sha256));
  });
});
