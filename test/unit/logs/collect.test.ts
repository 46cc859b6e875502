import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parsePeriodKey } from '../../../src/calendar/period.js';
import { collect, type CollectOptions } from '../../../src/logs/collect.js';
import { DEFAULT_FIELDS } from '../../../src/logs/context.js';
import { formatSample } from '../../../src/logs/tally.js';

function dir(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'collect-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const lines = (events: unknown[]) => events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n') + '\n';

async function run(root: string, pattern: string, opts: Partial<CollectOptions> & { key?: string } = {}) {
  const zone = opts.zone ?? 'Asia/Shanghai';
  const period = parsePeriodKey('previous-month', opts.key ?? '2026-10', zone)!;
  const c = await collect({ patterns: [join(root, pattern)], period, fields: DEFAULT_FIELDS, verdicts: {}, zone, threads: 1, ...opts });
  const t = c.tally;
  const byDay = Object.fromEntries(c.window.dayKeys.map((d, i) => [d, [t.dayTotal[i], t.dayBlocked[i]]]).filter(([, v]) => (v as number[])[0]));
  return { c, t, byDay, samples: t.samples.map(formatSample) };
}

describe('collect: the period', () => {
  it('puts events at both ends of the month in Asia/Shanghai into the right period', async () => {
    const root = dir({
      'a.jsonl': lines([
        { ts: '2026-09-30T15:59:59.999Z', verdict: 'block' }, // 2026-09-30 23:59:59.999 +08: September
        { ts: '2026-09-30T16:30:00Z', verdict: 'block' }, // 2026-10-01 00:30 +08: October
        { ts: '2026-10-01T00:00:00+08:00', verdict: 'pass' },
        { ts: '2026-10-31T23:59:59.999+08:00', verdict: 'pass' },
        { ts: '2026-10-31T16:00:00Z', verdict: 'pass' }, // 2026-11-01 00:00 +08: November
        { ts: Date.parse('2026-10-15T12:00:00+08:00'), verdict: 'review' },
        { ts: '2026-10-01T00:00:00', verdict: 'pass' }, // no offset: Shanghai wall time
        { ts: '2026-09-30T23:59:59', verdict: 'pass' },
      ]),
    });
    const { t, byDay } = await run(root, '*.jsonl');
    expect([t.total, t.blocked, t.passed, t.reviewed, t.outside]).toEqual([5, 1, 3, 1, 3]);
    expect(byDay).toEqual({ '2026-10-01': [3, 1], '2026-10-15': [1, 0], '2026-10-31': [1, 0] });
  });

  it('uses the local calendar month in Europe/Berlin, with its 25-hour day when summer time ends', async () => {
    const root = dir({
      'a.jsonl': lines([
        { ts: '2026-09-30T21:59:59.999Z', verdict: 'pass' }, // 23:59:59.999 CEST, September
        { ts: '2026-09-30T22:00:00Z', verdict: 'block' }, // 2026-10-01 00:00 CEST
        { ts: '2026-10-25T00:30:00+02:00', verdict: 'pass' }, // first hour of the long day
        { ts: '2026-10-25T23:30:00+01:00', verdict: 'pass' }, // last hour of the long day
        { ts: '2026-10-25T02:30:00', verdict: 'pass' }, // the repeated hour, no offset
        { ts: '2026-10-31T22:59:59.999Z', verdict: 'pass' }, // 23:59:59.999 CET, still October
        { ts: '2026-10-31T23:00:00Z', verdict: 'pass' }, // 2026-11-01 00:00 CET
      ]),
    });
    const { t, byDay } = await run(root, '*.jsonl', { zone: 'Europe/Berlin' });
    expect([t.total, t.outside]).toEqual([5, 2]);
    expect(byDay).toEqual({ '2026-10-01': [1, 1], '2026-10-25': [3, 0], '2026-10-31': [1, 0] });
  });

  it('has 29 days for 2028-02 in Berlin and a 23-hour day in March', async () => {
    const root = dir({ 'a.jsonl': lines([{ ts: '2028-03-26T23:30:00+02:00', verdict: 'pass' }]) });
    const feb = await run(root, '*.jsonl', { zone: 'Europe/Berlin', key: '2028-02' });
    expect(feb.c.window.dayKeys).toHaveLength(29);
    const mar = await run(root, '*.jsonl', { zone: 'Europe/Berlin', key: '2028-03' });
    expect(mar.byDay).toEqual({ '2028-03-26': [1, 0] });
    expect(mar.c.window.dayStarts[26]! - mar.c.window.dayStarts[25]!).toBe(23 * 3_600_000);
  });
});

describe('collect: formats and mapping', () => {
  it('reads CSV (quoted fields, mapped names and verdicts, epoch and ISO) and gzip, next to JSONL', async () => {
    const csv = [
      'request,time,action,label,text',
      'r1,1790902800000,BLOCKED,fraud,"says ""hi"", fine"',
      'r2,2026-10-02T10:00:00+08:00,reject,诈骗,"multi',
      'line text"',
      'r3,2026-10-03 09:00:00,manual,,plain',
      'r4,2026-10-03T09:00:00Z,allow,,plain',
      'r5,2026-10-04T09:00:00Z,maybe,,plain',
      'r6,2026-10-04T09:00:00Z,allow',
      '',
    ].join('\r\n');
    const jsonl = lines([{ time: '2026-10-05T00:00:00Z', action: 'block', label: 'fraud' }]);
    const root = dir({ 'csv/a.csv': csv, 'json/b.jsonl.gz': gzipSync(jsonl), 'json/c.log': jsonl });
    const fields = { ...DEFAULT_FIELDS, ts: 'time', verdict: 'action', category: 'label' };
    const verdicts = { block: ['blocked', 'reject'], review: ['manual'], pass: ['allow'] };
    const { c, t, samples } = await run(root, '{csv,json}/*', { fields, verdicts });
    expect(c.files.map((f) => [f.name, f.format, f.gzip, f.lines, f.error])).toEqual([
      ['csv/a.csv', 'csv', false, 6, undefined],
      ['json/b.jsonl.gz', 'jsonl', true, 1, undefined],
      ['json/c.log', 'jsonl', false, 1, undefined],
    ]);
    expect([t.total, t.blocked, t.reviewed, t.passed, t.malformed]).toEqual([6, 4, 1, 1, 2]);
    expect(t.byCategory()).toEqual({ fraud: { total: 3, blocked: 3 }, 诈骗: { total: 1, blocked: 1 } });
    expect(samples).toEqual(['csv/a.csv:7: unknown verdict "maybe"', 'csv/a.csv:8: bad CSV row: expected 5 fields, found 3']);
    const raw = readFileSync(join(root, 'json/b.jsonl.gz'));
    expect(c.files[1]!.bytes).toBe(raw.length);
    expect(c.files[1]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('decides the format of a file without extension from its first non-blank line', async () => {
    const root = dir({ 'a.log': '\n  \nts,verdict,__proto__\n2026-10-02T00:00:00Z,block,call 13812345678\n', 'b.log': '\n{"ts":"2026-10-02T00:00:00Z","verdict":"pass"}\n' });
    const got = await collectWithEvents(root, 'Asia/Shanghai', {}, 1, '*.log');
    expect(got.files.map((f) => [f.name, f.format, f.lines])).toEqual([
      ['a.log', 'csv', 1],
      ['b.log', 'jsonl', 1],
    ]);
    expect([got.tally.total, got.tally.blocked, got.tally.malformed]).toEqual([2, 1, 0]);
    // A column named __proto__ is data like any other (and masked).
    expect(got.events.split('\n')[0]).toBe('{"ts":"2026-10-02T00:00:00Z","verdict":"block","__proto__":"call 138****5678"}');
  });

  it('removes part directories a killed run left behind, once they are a day old', async () => {
    const root = dir({ 'logs/a.jsonl': lines([{ ts: '2026-10-02T00:00:00Z', verdict: 'pass' }]) });
    const tmp = join(root, '.tmp');
    for (const name of ['.events-old', '.events-recent', 'keep-me']) mkdirSync(join(tmp, name), { recursive: true });
    writeFileSync(join(tmp, '.events-old', 'part-00000.gz'), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    utimesSync(join(tmp, '.events-old'), twoDaysAgo, twoDaysAgo);
    utimesSync(join(tmp, 'keep-me'), twoDaysAgo, twoDaysAgo);
    await collectWithEvents(root, 'Asia/Shanghai', {}, 1, 'logs/*', tmp);
    expect(readdirSync(tmp).sort()).toEqual(['.events-recent', 'keep-me']);
  });

  it('stops a CSV file whose header lacks the timestamp column, naming the mapping to fix', async () => {
    const root = dir({ 'a.csv': 'when,verdict\n2026-10-01T00:00:00Z,pass\n' });
    const { c, t } = await run(root, '*.csv');
    expect(c.files[0]!.error).toMatch(/no column "ts".*"when".*sources\.safetyLogs\.fields/);
    expect(t.total).toBe(0);
  });
});

describe('collect: malformed input', () => {
  it('counts a truncated last line, binary garbage and unknown values; never crashes', async () => {
    // Binary garbage in three lines (seeded bytes, newlines only where put).
    let seed = 1;
    const garbage = Buffer.from(Buffer.alloc(3000).map(() => ((seed = (seed * 1103515245 + 12345) % 2147483648) >> 16) & 0xff).map((b) => (b === 0x0a ? 0 : b)));
    garbage[1000] = 0x0a;
    garbage[2000] = 0x0a;
    const root = dir({
      'a.jsonl': lines([{ ts: '2026-10-01T00:00:00Z', verdict: 'pass' }, '{"ts":"2026-10-01T00:00:00Z","verdict":"block"}']) + '{"ts":"2026-10-0',
      'b.jsonl': garbage,
      'c.jsonl': lines([
        { verdict: 'pass' },
        { ts: 'yesterday', verdict: 'pass' },
        { ts: 1790902800, verdict: 'pass' },
        { ts: '2026-10-02T00:00:00Z' },
        { ts: '2026-10-02T00:00:00Z', verdict: 'call 13812345678' },
        { ts: '2026-10-02T00:00:00Z', verdict: 7 },
        '[1,2]',
        '   ',
      ]),
      'empty.jsonl': '',
    });
    const { c, t, samples } = await run(root, '*.jsonl');
    expect(c.files.map((f) => f.error)).toEqual([undefined, undefined, undefined, undefined]);
    expect(t.total).toBe(2);
    expect(t.malformed).toBe(t.lines - 2);
    expect(samples.filter((s) => s.startsWith('b.jsonl'))).toEqual(['b.jsonl:1: invalid JSON', 'b.jsonl:2: invalid JSON', 'b.jsonl:3: invalid JSON']);
    expect(samples).toContain('a.jsonl:3: truncated JSON (the line ends inside a value)');
    expect(samples.filter((s) => s.startsWith('c.jsonl'))).toEqual([
      'c.jsonl:1: no "ts" field',
      'c.jsonl:2: timestamp is not ISO-8601 (YYYY-MM-DDTHH:MM:SS±HH:MM) or epoch milliseconds',
      'c.jsonl:3: timestamp is a number below 10^11, not epoch milliseconds (epoch seconds?)',
      'c.jsonl:4: no "verdict" field',
      'c.jsonl:5: unknown verdict "call 138****5678"',
      'c.jsonl:6: "verdict" is not a string',
      'c.jsonl:7: not a JSON object',
    ]);
    expect(t.samples.length).toBeLessThanOrEqual(20);
  });

  it('reads a 10 MB single-line event and skips a 10 MB line of garbage without a newline', async () => {
    const text = '中'.repeat(3_500_000);
    const root = dir({
      'big.jsonl': JSON.stringify({ ts: '2026-10-03T00:00:00Z', verdict: 'block', text }) + '\n',
      'junk.jsonl': Buffer.alloc(10 * 1024 * 1024, 0x41),
    });
    const { t, samples } = await run(root, '*.jsonl');
    expect([t.total, t.blocked, t.malformed]).toEqual([1, 1, 1]);
    expect(samples).toEqual(['junk.jsonl:1: invalid JSON']);
  });

  it('reports a damaged or cut gzip file, keeping the lines read before the damage', async () => {
    const events = Array.from({ length: 20_000 }, (_, i) => ({ ts: '2026-10-01T00:00:00Z', verdict: 'pass', requestId: `r-${i}-${randomBytes(8).toString('hex')}` }));
    const gz = gzipSync(lines(events));
    const root = dir({ 'cut.jsonl.gz': gz.subarray(0, Math.floor(gz.length / 2)), 'fake.jsonl.gz': Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(100)]) });
    const { c, t } = await run(root, '*.gz');
    expect(c.files.map((f) => f.error)).toEqual([expect.stringMatching(/gzip data is damaged or cut short/), expect.stringMatching(/gzip data is damaged or cut short/)]);
    expect(t.total).toBeGreaterThan(1000);
    expect(t.total).toBeLessThan(20_000);
  });

  it('keeps every event decoded before trailing garbage, and hashes the whole raw file, inline and in threads', async () => {
    const events = Array.from({ length: 30_000 }, (_, i) => ({ ts: '2026-10-02T00:00:00Z', verdict: i % 3 ? 'pass' : 'block', requestId: `r-${i}-${randomBytes(6).toString('hex')}` }));
    const raw = Buffer.concat([gzipSync(lines(events)), Buffer.from('trailing junk, not a gzip member')]);
    const root = dir({ 'logs/a.jsonl.gz': raw });
    const expectedHash = createHash('sha256').update(raw).digest('hex');
    for (const threads of [1, 2]) {
      const got = await collectWithEvents(root, 'Asia/Shanghai', {}, threads);
      expect(got.threads).toBe(threads);
      expect([got.tally.total, got.tally.blocked], `threads=${threads}`).toEqual([30_000, 10_000]);
      expect(got.files[0]).toMatchObject({ bytes: raw.length, sha256: expectedHash, error: 'gzip data is damaged or cut short (data after the end of the compressed stream)' });
    }
  });

  it('hashes the whole raw file of a gzip file damaged in the middle, inline as in threads', async () => {
    // A small member garbled in its deflate data, then 8 MB more (a stored member): the reader
    // stops long before the end of the raw file.
    const first = Buffer.from(gzipSync(lines(Array.from({ length: 5000 }, (_, i) => ({ ts: '2026-10-02T00:00:00Z', verdict: 'pass', n: randomBytes(8).toString('hex') + i })))));
    first.fill(0xff, first.length >> 1, (first.length >> 1) + 64);
    const raw = Buffer.concat([first, gzipSync(randomBytes(8 << 20), { level: 0 })]);
    const root = dir({ 'logs/a.jsonl.gz': raw });
    const inline = await collectWithEvents(root, 'Asia/Shanghai', {}, 1);
    const threaded = await collectWithEvents(root, 'Asia/Shanghai', {}, 2);
    expect(inline.files[0]).toMatchObject({ bytes: raw.length, sha256: createHash('sha256').update(raw).digest('hex'), error: expect.stringMatching(/gzip data is damaged/) });
    expect(threaded.files).toEqual(inline.files);
    expect(threaded.tally.total).toBe(inline.tally.total);
  });

  it('a stray quote in a CSV log costs one malformed line, not the lines after it', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `r${i},2026-10-03T09:00:00Z,${i % 2 ? 'pass' : 'block'}`);
    rows.splice(10, 0, 'bad,"2026-10-03T09:00:00Z,pass'); // line 12 of the file (header is line 1)
    const root = dir({ 'a.csv': ['requestId,ts,verdict', ...rows].join('\n') + '\n' });
    const { t, samples } = await run(root, '*.csv');
    expect([t.total, t.blocked, t.malformed]).toEqual([150, 75, 1]);
    expect(samples).toEqual(['a.csv:12: bad CSV row: a quoted field is not closed within 100 lines']);
  });

  it('says which fixed directory is missing', async () => {
    const root = dir({});
    const { c } = await run(root, 'nope/*.jsonl');
    expect(c.files).toEqual([]);
    expect(c.missingDirs).toEqual([join(root, 'nope')]);
  });
});

describe('collect: personal data', () => {
  it('masks digits written as \\u escapes on the full-parser path too, and masks a quoted value before cutting it', async () => {
    const escapedPhone = '\\u0031\\u0033\\u0038\\u0031\\u0032\\u0033\\u0034\\u0035\\u0036\\u0037\\u0038';
    const text = [
      // An escaped key sends the line to JSON.parse (the full parser).
      `{"ts":"2026-10-02T00:00:00Z","verdict":"pass","te\\u0078t":"call ${escapedPhone}"}`,
      // The fast path, for comparison.
      `{"ts":"2026-10-02T00:00:00Z","verdict":"pass","text":"call ${escapedPhone}"}`,
      // An unknown verdict whose mobile number crosses the 40-character cut of the quoted value.
      JSON.stringify({ ts: '2026-10-02T00:00:00Z', verdict: `${'x'.repeat(33)}13812345678` }),
    ].join('\n');
    const root = dir({ 'logs/a.jsonl': text + '\n' });
    const got = await collectWithEvents(root, 'Asia/Shanghai', {}, 1);
    const events = got.events.trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(events.map((e) => e.text)).toEqual(['call 138****5678', 'call 138****5678']);
    expect(got.samples).toEqual([`a.jsonl:3: unknown verdict "${'x'.repeat(33)}138****…"`]);
  });
});

describe('collect: exactness', () => {
  const ZONES = ['Asia/Shanghai', 'Europe/Berlin'];
  const fixture = generateFixture(6000);

  it.each(ZONES)('counts a generated fixture exactly as an independent computation does, inline and in threads (%s)', async (zone) => {
    const root = dir({ 'logs/a.jsonl': fixture.text, 'logs/b.jsonl.gz': gzipSync(fixture.text), 'logs/c.jsonl': fixture.text.replace(/\n/g, '\r\n') });
    const expected = independent(fixture.text, zone);
    // The fixture exercises every branch: each kind of outcome occurs.
    for (const k of ['passed', 'blocked', 'reviewed', 'malformed', 'outside'] as const) expect(expected[k], k).toBeGreaterThan(10);
    const verdicts = { block: ['BLOCKED', 'reject'], review: ['manual'] };
    const inline = await collectWithEvents(root, zone, verdicts, 1);
    const threaded = await collectWithEvents(root, zone, verdicts, 2);
    expect(threaded.threads, 'the threaded path needs the compiled worker: run `npm run build` (npm test does)').toBe(2);
    for (const got of [inline, threaded]) {
      const t = got.tally;
      expect({ total: t.total, passed: t.passed, blocked: t.blocked, reviewed: t.reviewed, malformed: t.malformed, outside: t.outside }).toEqual({
        total: expected.total * 3,
        passed: expected.passed * 3,
        blocked: expected.blocked * 3,
        reviewed: expected.reviewed * 3,
        malformed: expected.malformed * 3,
        outside: expected.outside * 3,
      });
      expect(got.byDay).toEqual(Object.fromEntries(Object.entries(expected.byDay).map(([d, [n, b]]) => [d, [n * 3, b * 3]])));
      expect(t.byCategory()).toEqual(Object.fromEntries(Object.entries(expected.byCategory).map(([k, v]) => [k, { total: v.total * 3, blocked: v.blocked * 3 }])));
    }
    expect(threaded.samples).toEqual(inline.samples);
    expect(threaded.files).toEqual(inline.files);
    expect(threaded.events).toEqual(inline.events);
    expect(inline.events.split('\n').filter(Boolean)).toHaveLength(expected.total * 3);
    expect(inline.events).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)|[a-z]@example\.com|110101\d{8}/);
    expect(inline.events).toMatch(/138\*{4}5678/);
  });
});

describe('collect: many categories', () => {
  it('threads and an inline read keep the same 500 categories with the same counts', async () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const events = Array.from({ length: 20_000 }, () => ({ ts: '2026-10-05T00:00:00Z', verdict: rnd() < 0.25 ? 'block' : 'pass', category: `c-${Math.floor(rnd() * 1500)}` }));
    const root = dir({ 'logs/a.jsonl': lines(events) });
    const inline = await collectWithEvents(root, 'Asia/Shanghai', {}, 1);
    const threaded = await collectWithEvents(root, 'Asia/Shanghai', {}, 2);
    expect(threaded.threads).toBe(2);
    // The rule computed the plain way: the 500 smallest names, in first-seen order, the rest as (other).
    const names = [...new Set(events.map((e) => e.category))];
    const kept = new Set([...names].sort().slice(0, 500));
    const counts = new Map(names.filter((n) => kept.has(n)).map((n) => [n, { total: 0, blocked: 0 }]));
    const other = { total: 0, blocked: 0 };
    for (const e of events) {
      const cell = counts.get(e.category) ?? other;
      cell.total++;
      if (e.verdict === 'block') cell.blocked++;
    }
    const expected = [...counts.entries(), ['(other)', other]];
    expect(Object.entries(inline.tally.byCategory())).toEqual(expected);
    expect(Object.entries(threaded.tally.byCategory())).toEqual(expected);
  });
});

async function collectWithEvents(root: string, zone: string, verdicts: Record<string, string[]>, threads: number, pattern = 'logs/*', tempDir = root) {
  const period = parsePeriodKey('previous-month', '2026-10', zone)!;
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => out.on('end', r));
  const c = await collect({
    patterns: [join(root, pattern)],
    period,
    fields: DEFAULT_FIELDS,
    verdicts,
    zone,
    threads,
    tuning: { parallelMinBytes: 0, splitMinBytes: 1, partBytes: 50_000 },
    events: { open: () => out, mask: true, tempDir },
  });
  await ended;
  const t = c.tally;
  const byDay = Object.fromEntries(c.window.dayKeys.map((d, i) => [d, [t.dayTotal[i], t.dayBlocked[i]]]).filter(([, v]) => (v as number[])[0]));
  return { tally: t, byDay, threads: c.threads, samples: t.samples.map(formatSample), files: c.files, events: gunzipSync(Buffer.concat(chunks)).toString('utf8') };
}

/** A seeded month of varied events: every timestamp form, mapped verdicts, nesting, escapes, personal data, malformed lines. */
function generateFixture(n: number): { text: string } {
  let seed = 99;
  const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const start = Date.parse('2026-09-30T12:00:00Z');
  const span = Date.parse('2026-11-01T12:00:00Z') - start;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ms = start + Math.floor(r() * span);
    const d = new Date(ms);
    const tsForms = [
      d.toISOString(),
      new Date(ms + 8 * 3_600_000).toISOString().replace('Z', '+08:00'),
      new Date(ms - 5 * 3_600_000).toISOString().replace('Z', '-05:00'),
      ms,
      String(ms),
    ];
    const ev: Record<string, unknown> = { ts: pick(tsForms), verdict: pick(['pass', 'pass', 'pass', 'block', 'BLOCKED', 'reject', 'review', 'manual', 'Pass ']) };
    if (r() < 0.5) ev.category = pick(['fraud', '暴力', 'porn', ' spaced ', 42, '', null]);
    if (r() < 0.3) ev.meta = { tags: ['a', { b: [1, 2.5e-3, true] }], note: 'quote " and \\ back' };
    if (r() < 0.2) ev.text = pick(['联系 13812345678', 'mail x.y@example.com"', 'ID 11010119900307123X', 'tab\there', 'line\nbreak', '中文 English']);
    let line = JSON.stringify(ev);
    if (r() < 0.01) line = line.slice(0, Math.floor(line.length / 2));
    if (r() < 0.005) line = '';
    if (r() < 0.005) line = '{"ts":"2026-10-99T00:00:00Z","verdict":"pass"}';
    out.push(line);
  }
  return { text: out.join('\n') + '\n' };
}

/** The same rules, written the plain way (JSON.parse and luxon), to check the fast path against. */
function independent(text: string, zone: string) {
  const verdicts: Record<string, string> = { pass: 'pass', block: 'block', blocked: 'block', reject: 'block', review: 'review', manual: 'review' };
  const start = DateTime.fromObject({ year: 2026, month: 10, day: 1 }, { zone });
  const end = start.plus({ months: 1 });
  const res = { total: 0, passed: 0, blocked: 0, reviewed: 0, malformed: 0, outside: 0, byDay: {} as Record<string, [number, number]>, byCategory: {} as Record<string, { total: number; blocked: number }> };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line) as Record<string, unknown>;
    } catch {
      res.malformed++;
      continue;
    }
    const ts = ev.ts;
    const dt = typeof ts === 'number' || /^\d+$/.test(String(ts)) ? DateTime.fromMillis(Number(ts), { zone }) : DateTime.fromISO(String(ts), { zone });
    if (!dt.isValid) {
      res.malformed++;
      continue;
    }
    if (dt < start || dt >= end) {
      res.outside++;
      continue;
    }
    const v = typeof ev.verdict === 'string' ? verdicts[ev.verdict.trim().toLowerCase()] : undefined;
    if (!v) {
      res.malformed++;
      continue;
    }
    res.total++;
    if (v === 'pass') res.passed++;
    else if (v === 'block') res.blocked++;
    else res.reviewed++;
    const day = dt.setZone(zone).toFormat('yyyy-MM-dd');
    const cell = (res.byDay[day] ??= [0, 0]);
    cell[0]++;
    if (v === 'block') cell[1]++;
    const cat = typeof ev.category === 'string' ? ev.category.trim() || undefined : typeof ev.category === 'number' ? String(ev.category) : undefined;
    if (cat !== undefined) {
      const c = (res.byCategory[cat] ??= { total: 0, blocked: 0 });
      c.total++;
      if (v === 'block') c.blocked++;
    }
  }
  return res;
}
