import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { DateTime } from 'luxon';
import { errorCode } from '../src/lib/errors.js';
import { capitalize, days, say, type Locale } from '../src/lib/i18n.js';
import { worstStatus, type Finding, type Result, type Status } from '../src/lib/result.js';
import type { CheckHandler, CheckOutcome } from './types.js';

/**
 * policy-freshness (spec 4.4): the keyword library (关键词库) and the should-refuse /
 * should-answer banks (拒答 / 非拒答题库) must be big enough and kept current.
 *
 * "Current" is measured by content hash across runs, never by mtime (a copy or checkout resets
 * mtime without changing anything). Each run records every file's sha256 and the instant that
 * content was first seen; the next run carries that instant forward while the hash is the same.
 * The first run ever cannot know how old the content is, so it starts the clock and says so.
 *
 * Evidence is counts and hashes only: the lists themselves are sensitive and stay where they are.
 */

export interface FileFacts {
  file: string;
  sha256: string;
  bytes: number;
  entries: number;
  uniqueEntries: number;
  /** Lines that could not be read as an entry (bad JSON in a .jsonl bank). */
  malformed: number;
  unchangedSince: string;
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
      const since = unchangedSince(history, part, counted.sha256) ?? scheduledAt;
      const age = Math.max(0, scheduledAt.diff(since, 'days').days);
      const first = !history.some((r) => factsOf(r, part));
      const { status, findings: partFindings } = judge(locale, part, counted, age, limits, first);
      statuses.push(status);
      findings.push(...partFindings);
      facts[part] = {
        file: basename(path),
        ...counted,
        unchangedSince: since.toISO()!,
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
 * When the current content was first seen: the `unchangedSince` of the newest earlier run that
 * saw this part, if it saw the same hash. Runs that could not read the file are skipped over.
 */
function unchangedSince(history: Result[], part: Part, sha256: string): DateTime | undefined {
  for (const r of history) {
    const f = factsOf(r, part);
    if (!f) continue;
    return f.sha256 === sha256 ? DateTime.fromISO(f.unchangedSince, { setZone: true }) : undefined;
  }
  return undefined;
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
      message: say(locale, `首次记录${name}的内容指纹，更新间隔从本次开始计算`, `First record of the ${name} content hash; freshness is measured from now on`),
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
  sha256: string;
  bytes: number;
  entries: number;
  uniqueEntries: number;
  malformed: number;
}

/**
 * Streams the file once: sha256 of the raw bytes (the freshness fingerprint) and the entry count.
 * Keywords: one per non-empty line, `#` comments ignored. Banks: JSONL (a line that parses), CSV
 * (rows after the header) or plain text (non-empty lines), by extension.
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
  let header = format === 'csv';
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    const line = raw.trim();
    if (!line) continue;
    if (kind === 'keywords' && line.startsWith('#')) continue;
    if (header) {
      header = false;
      continue;
    }
    if (format === 'jsonl') {
      try {
        JSON.parse(line);
      } catch {
        malformed++;
        continue;
      }
    }
    entries++;
    // Hash the entry rather than keep it: memory stays small for any library size.
    seen.add(createHash('sha1').update(line).digest('base64'));
  }
  return { sha256: hash.digest('hex'), bytes, entries, uniqueEntries: seen.size, malformed };
}

function bankFormat(path: string): 'jsonl' | 'csv' | 'text' {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  return 'text';
}
