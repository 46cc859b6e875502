import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { DateTime } from 'luxon';
import { errorCode } from '../src/lib/errors.js';
import { canonicalJson } from '../src/lib/hash.js';
import { CsvRecordReader } from '../src/logs/csv.js';
import { capitalize, days, say, type Locale } from '../src/lib/i18n.js';
import { worstStatus, type Finding, type Result, type Status } from '../src/lib/result.js';
import type { CheckHandler, CheckOutcome } from './types.js';

/**
 * policy-freshness (spec 4.4): the keyword library (关键词库) and the should-refuse /
 * should-answer banks (拒答 / 非拒答题库) must be big enough and kept current.
 *
 * "Current" is measured by content hash across runs, never by mtime (a copy or checkout resets
 * mtime without changing anything). The hash that counts is of the entry set, normalized (unique
 * entries, sorted; keywords trimmed, comments out; JSONL entries as canonical JSON), so a CRLF
 * re-save, reordering or a repeated line is not an update; the raw file's sha256 is kept as
 * evidence next to it.
 *
 * Age is never under-reported: runs only sample the file, so content first seen at run t_k
 * may have appeared any time after the previous run that saw other content, t_{k-1}. Its age
 * is counted from t_{k-1} (`unchangedSince`, the earliest instant it could have appeared), and
 * `firstSeen` says when a run first saw it. "Unchanged for more than 7 days" (spec 4.4) is then
 * reported as soon as it may be true: with a weekly run, content that survives one more run after
 * the one that first saw it is 14 days old by this bound (warn). When no earlier run saw any
 * other content, its age before the first run is unknown: the clock starts at that first run,
 * and the run says so (`first-observation`). Runs that could not read the file are skipped.
 *
 * Evidence is counts and hashes only: the lists themselves are sensitive and stay where they are.
 */

export interface FileFacts extends Counted {
  file: string;
  /** The earliest instant this content could have appeared (see above). */
  unchangedSince: string;
  /** The first run that saw this content. */
  firstSeen: string;
  unchangedDays: number;
  firstObservation: boolean;
  status: Status;
}

type Part = 'keywordLibrary' | 'refuse' | 'answer';

interface Limits {
  minEntries: number;
  warnDays: number;
  failDays: number;
}

export const policyFreshness: CheckHandler<'policy-freshness'> = {
  type: 'policy-freshness',
  async run({ check, service, scheduledAt }, ctx) {
    const locale = ctx.config.locale;
    const history = await ctx.ledger.previousResults(check.id, scheduledAt.toISO()!, 50);
    const sources = service.sources;
    const parts: Array<{ part: Part; path: string | undefined; kind: 'keywords' | 'bank'; limits: Limits }> = [
      { part: 'keywordLibrary', path: sources.keywordLibrary?.file, kind: 'keywords', limits: check.keywordLibrary },
      { part: 'refuse', path: sources.questionBanks?.refuse, kind: 'bank', limits: check.questionBanks },
      { part: 'answer', path: sources.questionBanks?.answer, kind: 'bank', limits: check.questionBanks },
    ];

    const facts: Partial<Record<Part, FileFacts>> = {};
    const findings: Finding[] = [];
    const statuses: Status[] = [];
    for (const { part, path, kind, limits } of parts) {
      if (!path) {
        statuses.push('inconclusive');
        findings.push(missingSource(locale, part, '(not configured)'));
        continue;
      }
      let counted: Counted;
      try {
        counted = await countEntries(path, kind);
      } catch (err) {
        statuses.push('inconclusive');
        findings.push(missingSource(locale, part, path, errorCode(err)));
        continue;
      }
      const { since, firstSeen, first } = contentAge(history, part, counted, scheduledAt);
      const age = Math.max(0, scheduledAt.diff(since, 'days').days);
      const { status, findings: partFindings } = judge(locale, part, counted, age, limits, first);
      statuses.push(status);
      findings.push(...partFindings);
      facts[part] = {
        file: basename(path),
        ...counted,
        unchangedSince: since.toISO()!,
        firstSeen: firstSeen.toISO()!,
        unchangedDays: round(age),
        firstObservation: first,
        status,
      };
    }

    const metrics = {
      keywordLibrary: facts.keywordLibrary,
      questionBanks: { refuse: facts.refuse, answer: facts.answer },
    };
    await ctx.evidence.writeJson('summary.json', { check: check.id, service: service.id, scheduledAt: scheduledAt.toISO(), ...metrics, findings });
    const outcome: CheckOutcome = { status: worstStatus(statuses), summary: summarize(locale, facts), metrics, findings };
    return outcome;
  },
};

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function factsOf(result: Result, part: Part): FileFacts | undefined {
  const m = result.metrics as { keywordLibrary?: FileFacts; questionBanks?: { refuse?: FileFacts; answer?: FileFacts } };
  return part === 'keywordLibrary' ? m.keywordLibrary : m.questionBanks?.[part];
}

/**
 * The age bound of the current content: the newest earlier run that read this part decides. Same
 * content: its bound and first sighting carry forward. Other content: this content appeared after
 * that run. No earlier reading at all: unknown, the clock starts now. Runs recorded before the
 * normalized hash existed are compared by raw hash.
 */
function contentAge(history: Result[], part: Part, counted: Counted, now: DateTime): { since: DateTime; firstSeen: DateTime; first: boolean } {
  for (const r of history) {
    const f = factsOf(r, part);
    if (!f) continue;
    const same = f.contentSha256 ? f.contentSha256 === counted.contentSha256 : f.sha256 === counted.sha256;
    if (same) return { since: DateTime.fromISO(f.unchangedSince, { setZone: true }), firstSeen: DateTime.fromISO(f.firstSeen ?? f.unchangedSince, { setZone: true }), first: false };
    return { since: DateTime.fromISO(r.scheduledAt, { setZone: true }), firstSeen: now, first: false };
  }
  return { since: now, firstSeen: now, first: true };
}

function judge(locale: Locale, part: Part, c: Counted, age: number, limits: Limits, first: boolean): { status: Status; findings: Finding[] } {
  const findings: Finding[] = [];
  const statuses: Status[] = ['pass'];
  const name = partName(locale, part);
  const kind = part === 'keywordLibrary' ? 'keyword-library' : 'question-bank';
  if (c.entries < limits.minEntries) {
    statuses.push('fail');
    findings.push({
      code: `${kind}-too-small`,
      severity: 'fail',
      message: say(locale, `${name}仅有 ${c.entries} 条，低于要求的 ${limits.minEntries} 条`, `${capitalize(name)} has ${c.entries} entries, below the required ${limits.minEntries}`),
      data: { part, entries: c.entries, minEntries: limits.minEntries },
    });
  }
  const stale = age > limits.failDays ? 'fail' : age > limits.warnDays ? 'warn' : undefined;
  if (stale) {
    statuses.push(stale);
    const limit = stale === 'fail' ? limits.failDays : limits.warnDays;
    findings.push({
      code: `${kind}-stale`,
      severity: stale,
      message: say(
        locale,
        `${name}已 ${days(round(age))} 天未更新（超过 ${days(limit)} 天）`,
        `${capitalize(name)} has not changed for ${days(round(age))} days (more than ${days(limit)})`,
      ),
      data: { part, unchangedDays: round(age), limitDays: limit },
    });
  }
  if (c.malformed > 0) {
    findings.push({
      code: 'question-bank-malformed-lines',
      severity: 'info',
      message: say(locale, `${name}有 ${c.malformed} 行无法解析，未计入条数`, `${capitalize(name)} has ${c.malformed} unreadable lines, not counted`),
      data: { part, malformed: c.malformed },
    });
  }
  if (first) {
    findings.push({
      code: 'first-observation',
      severity: 'info',
      message: say(
        locale,
        `首次记录${name}的内容指纹：此前已有多久未更新无从得知，未更新天数从本次开始计算`,
        `First record of the ${name} content hash: how long it was unchanged before is unknown; the days unchanged are counted from now on`,
      ),
      data: { part },
    });
  }
  return { status: worstStatus(statuses), findings };
}

function missingSource(locale: Locale, part: Part, path: string, code?: string): Finding {
  const why = code === 'ENOENT' ? say(locale, '文件不存在', 'file not found') : code ? code : say(locale, '未配置', 'not configured');
  return {
    code: 'source-missing',
    severity: 'fail',
    message: say(locale, `无法读取${partName(locale, part)}（${why}）：${path}`, `Cannot read the ${partName(locale, part)} (${why}): ${path}`),
    data: { part, path: basename(path), error: code },
  };
}

function partName(locale: Locale, part: Part): string {
  const names: Record<Part, [string, string]> = {
    keywordLibrary: ['关键词库', 'keyword library'],
    refuse: ['拒答题库', 'should-refuse bank'],
    answer: ['非拒答题库', 'should-answer bank'],
  };
  return say(locale, ...names[part]);
}

function summarize(locale: Locale, facts: Partial<Record<Part, FileFacts>>): string {
  const parts = (['keywordLibrary', 'refuse', 'answer'] as Part[]).map((p) => {
    const f = facts[p];
    if (!f) return say(locale, `${partName(locale, p)}：无法读取`, `${capitalize(partName(locale, p))}: unreadable`);
    return say(
      locale,
      `${partName(locale, p)} ${f.entries} 条（${days(f.unchangedDays)} 天未变）`,
      `${capitalize(partName(locale, p))} ${f.entries} entries (unchanged ${days(f.unchangedDays)} d)`,
    );
  });
  return parts.join(say(locale, '；', '; '));
}

interface Counted {
  /** Of the raw file as read (evidence). */
  sha256: string;
  /** Of the normalized entry set: what decides whether the content changed. */
  contentSha256: string;
  bytes: number;
  entries: number;
  uniqueEntries: number;
  /** Lines that could not be read as an entry (bad JSON in a .jsonl bank). */
  malformed: number;
}

/**
 * Streams the file once: the entry count, sha256 of the raw bytes (evidence) and of the entry set
 * (the freshness fingerprint: sorted unique entries). Keywords: one per non-empty line, trimmed,
 * `#` comments ignored. Banks: JSONL (a line that parses, as canonical JSON), CSV (records after
 * the header, read by the project's CSV reader, so a quoted question may span lines) or plain text
 * (non-empty lines), by extension.
 */
export async function countEntries(path: string, kind: 'keywords' | 'bank'): Promise<Counted> {
  // Fail early and by name (ENOENT, EISDIR) instead of inside the stream.
  const info = await stat(path);
  if (!info.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: 'EISDIR' });
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(path);
  stream.on('data', (chunk) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(buf);
    bytes += buf.length;
  });
  const format = kind === 'keywords' ? 'text' : bankFormat(path);
  const seen = new Set<string>();
  let entries = 0;
  let malformed = 0;
  const add = (entry: string) => {
    entries++;
    // Hash the entry rather than keep it: memory stays small for any library size.
    seen.add(createHash('sha1').update(entry).digest('base64'));
  };
  // CSV banks go through the project's CSV reader: a question may hold commas, quotes and line breaks.
  let header = true;
  const csv = new CsvRecordReader((rec) => {
    if ('error' in rec) malformed++;
    else if (header) header = false;
    else add(JSON.stringify(rec.fields.map((f) => f.trim())));
  });
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    if (format === 'csv') {
      csv.push(raw, 0);
      continue;
    }
    const line = raw.trim();
    if (!line) continue;
    if (kind === 'keywords' && line.startsWith('#')) continue;
    if (format !== 'jsonl') {
      add(line);
      continue;
    }
    try {
      add(canonicalJson(JSON.parse(line)));
    } catch {
      malformed++;
    }
  }
  csv.end();
  const contentSha256 = createHash('sha256').update([...seen].sort().join('\n')).digest('hex');
  return { sha256: hash.digest('hex'), contentSha256, bytes, entries, uniqueEntries: seen.size, malformed };
}

function bankFormat(path: string): 'jsonl' | 'csv' | 'text' {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return 'text';
}
