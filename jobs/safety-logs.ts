import { join } from 'node:path';
import type { EvidenceRef } from '../src/lib/result.js';
import { PermanentError, errorMessage } from '../src/lib/errors.js';
import { say, type Locale } from '../src/lib/i18n.js';
import { worstStatus, type Finding, type Status } from '../src/lib/result.js';
import { collect, type Collection } from '../src/logs/collect.js';
import { DEFAULT_FIELDS } from '../src/logs/context.js';
import { percent, renderReport, type SafetyLogMetrics } from '../src/logs/report.js';
import { formatSample } from '../src/logs/tally.js';
import { VerdictMatcher } from '../src/logs/verdicts.js';
import type { CheckHandler, CheckOutcome } from './types.js';

/**
 * safety-logs (spec 4.1): the month's moderation events (运营日志 / 风控记录), the evidence a
 * reviewer asks for first ("does the model frequently generate violating content?").
 *
 * Reads every source file as a stream (src/logs/), counts the events of the period, judges the
 * violation rate against the thresholds, and archives summary.json, report.md and the period's
 * events (events.jsonl.gz, personal data masked unless maskPersonalData is false). A collector
 * that saw nothing (no file, no event of the period, a file it could not finish) is
 * inconclusive, never a pass.
 */
export const safetyLogs: CheckHandler<'safety-logs'> = {
  type: 'safety-logs',
  async run({ check, service, period, scheduledAt }, ctx) {
    const locale = ctx.config.locale;
    const source = service.sources.safetyLogs;
    if (!source) throw new PermanentError(`service ${service.id} has no sources.safetyLogs; add the moderation log files (files: a glob) to its sources`);

    try {
      new VerdictMatcher(source.verdicts);
    } catch (err) {
      throw new PermanentError(`services[${service.id}].sources.safetyLogs.verdicts: ${errorMessage(err)}`);
    }
    // normalize.ts makes this a list of absolute paths; the type still allows the written form.
    const patterns = Array.isArray(source.files) ? source.files : [source.files];
    let eventsFile: Promise<EvidenceRef> | undefined;
    const collection = await collect({
      patterns,
      format: source.format,
      fields: { ...DEFAULT_FIELDS, ...source.fields },
      verdicts: source.verdicts ?? {},
      zone: ctx.config.timezone,
      period,
      signal: ctx.signal,
      events: {
        mask: check.maskPersonalData,
        // Per-thread parts wait next to the archive (same disk), outside any run directory:
        // even a run cut short by its timeout leaves nothing a manifest does not list.
        tempDir: join(ctx.config.archive.dir, '.tmp'),
        open: () => {
          const { stream, done } = ctx.evidence.createStream('events.jsonl.gz');
          eventsFile = done;
          // Awaited below; a failed collection must not leave it as an unhandled rejection.
          done.catch(() => undefined);
          return stream;
        },
      },
    });
    if (eventsFile) await eventsFile;
    ctx.logger.info({ files: collection.files.length, threads: collection.threads, total: collection.tally.total }, 'safety logs collected');

    const thresholds = check.thresholds.violationRate;
    const metrics = metricsOf(collection, thresholds);
    const { status, findings } = judge(locale, metrics, collection, patterns, check.malformedWarnRatio);
    const summary = summarize(locale, period.key, metrics, collection);
    const periodJson = { key: period.key, start: period.start.toISO()!, end: period.end.toISO()! };

    await ctx.evidence.writeJson('summary.json', {
      check: check.id,
      service: service.id,
      period: periodJson,
      scheduledAt: scheduledAt.toISO(),
      timezone: ctx.config.timezone,
      status,
      summary,
      maskPersonalData: check.maskPersonalData,
      metrics,
      findings,
    });
    await ctx.evidence.writeFile(
      'report.md',
      renderReport({
        locale,
        service: { id: service.id, name: service.name, filingNumber: service.filing.number },
        check: check.id,
        period: periodJson,
        scheduledAt: scheduledAt.toISO()!,
        zone: ctx.config.timezone,
        status,
        summary,
        metrics,
        findings,
        masked: check.maskPersonalData,
        patterns,
      }),
    );
    const outcome: CheckOutcome = { status, summary, metrics: { ...metrics }, findings };
    return outcome;
  },
};

function metricsOf(c: Collection, thresholds: { warn: number; fail: number }): SafetyLogMetrics {
  const t = c.tally;
  const byDay: SafetyLogMetrics['byDay'] = {};
  c.window.dayKeys.forEach((day, i) => (byDay[day] = { total: t.dayTotal[i]!, blocked: t.dayBlocked[i]! }));
  return {
    total: t.total,
    passed: t.passed,
    blocked: t.blocked,
    reviewed: t.reviewed,
    malformed: t.malformed,
    violationRate: t.total ? t.blocked / t.total : 0,
    byCategory: t.byCategory(),
    byDay,
    files: c.files.map((f) => ({ path: f.path, name: f.name, format: f.format, gzip: f.gzip, bytes: f.bytes, lines: f.lines, sha256: f.sha256, ...(f.error ? { error: f.error } : {}) })),
    lines: t.lines,
    outsidePeriod: t.outside,
    malformedSamples: t.samples.map(formatSample),
    eventsArchived: t.total,
    thresholds: { warn: thresholds.warn, fail: thresholds.fail },
  };
}

function judge(locale: Locale, m: SafetyLogMetrics, c: Collection, patterns: string[], malformedWarnRatio: number): { status: Status; findings: Finding[] } {
  const findings: Finding[] = [];
  const statuses: Status[] = ['pass'];
  const s = (zh: string, en: string) => say(locale, zh, en);

  if (!c.files.length) {
    const where = patterns.join(', ');
    const missing = c.missingDirs.length ? s(`（目录不存在：${c.missingDirs.join('、')}）`, ` (directory not found: ${c.missingDirs.join(', ')})`) : '';
    findings.push({
      code: 'no-source-files',
      severity: 'fail',
      message: s(
        `没有找到安全日志文件：${where}${missing}。请检查 sources.safetyLogs.files`,
        `No safety-log file matches ${where}${missing}; check sources.safetyLogs.files`,
      ),
      data: { patterns, missingDirs: c.missingDirs },
    });
    return { status: 'inconclusive', findings };
  }

  for (const f of c.files.filter((x) => x.error)) {
    statuses.push('inconclusive');
    findings.push({
      code: 'source-unreadable',
      severity: 'fail',
      message: s(`日志文件 ${f.name} 未能完整读取（${f.error}），本期统计不完整`, `Log file ${f.name} could not be read in full (${f.error}); the period's counts are incomplete`),
      data: { file: f.name, error: f.error, linesRead: f.lines },
    });
  }

  if (m.total === 0) {
    statuses.push('inconclusive');
    findings.push({
      code: 'no-events',
      severity: 'fail',
      message: s(
        `${c.files.length} 个日志文件中没有本期（${c.window.dayKeys[0]} 至 ${c.window.dayKeys.at(-1)}）的事件：读取 ${m.lines} 行，期间外 ${m.outsidePeriod} 条，无法解析 ${m.malformed} 行。请检查 ${patterns.join(', ')}`,
        `No event of the period (${c.window.dayKeys[0]} to ${c.window.dayKeys.at(-1)}) in ${c.files.length} log file(s): ${m.lines} lines read, ${m.outsidePeriod} outside the period, ${m.malformed} malformed. Check ${patterns.join(', ')}`,
      ),
      data: { files: c.files.length, lines: m.lines, outsidePeriod: m.outsidePeriod, malformed: m.malformed },
    });
  } else {
    const { warn, fail } = m.thresholds;
    const level = m.violationRate > fail ? 'fail' : m.violationRate > warn ? 'warn' : undefined;
    if (level) {
      statuses.push(level);
      const limit = level === 'fail' ? fail : warn;
      findings.push({
        code: 'violation-rate-high',
        severity: level,
        message: s(
          `违规率 ${percent(m.violationRate)}（拦截 ${m.blocked} / ${m.total}）超过${level === 'fail' ? '不合格线' : '警告线'} ${percent(limit)}`,
          `Violation rate ${percent(m.violationRate)} (${m.blocked} blocked of ${m.total}) is above the ${level} threshold ${percent(limit)}`,
        ),
        data: { violationRate: m.violationRate, blocked: m.blocked, total: m.total, threshold: limit, level },
      });
    }
  }

  if (m.malformed > 0) {
    const ratio = m.lines ? m.malformed / m.lines : 1;
    const high = ratio > malformedWarnRatio;
    if (high) statuses.push('warn');
    findings.push({
      code: 'malformed-lines',
      severity: high ? 'warn' : 'info',
      message: s(
        `${m.malformed} 行无法解析（占 ${percent(ratio)}${high ? `，超过 ${percent(malformedWarnRatio)}` : ''}），样例见 summary.json`,
        `${m.malformed} malformed lines (${percent(ratio)} of lines${high ? `, above ${percent(malformedWarnRatio)}` : ''}); samples in summary.json`,
      ),
      data: { malformed: m.malformed, lines: m.lines, ratio, limit: malformedWarnRatio, samples: m.malformedSamples.slice(0, 5) },
    });
  }

  if (c.tally.capped) {
    findings.push({
      code: 'categories-capped',
      severity: 'info',
      message: s('类别过多，超出部分合并为“(other)”', 'Too many distinct categories; the rest are counted under "(other)"'),
    });
  }
  return { status: worstStatus(statuses), findings };
}

function summarize(locale: Locale, key: string, m: SafetyLogMetrics, c: Collection): string {
  const n = (x: number) => x.toLocaleString('en');
  if (!c.files.length) return say(locale, `${key}：没有找到安全日志文件`, `${key}: no safety-log file found`);
  if (!m.total) return say(locale, `${key}：${c.files.length} 个文件中没有本期事件`, `${key}: no event of the period in ${c.files.length} file(s)`);
  const { warn, fail } = m.thresholds;
  return say(
    locale,
    `${key}：事件 ${n(m.total)} 条，拦截 ${n(m.blocked)} 条，违规率 ${percent(m.violationRate)}（警告线 ${percent(warn)}，不合格线 ${percent(fail)}）；人工复核 ${n(m.reviewed)} 条；无法解析 ${n(m.malformed)} 行`,
    `${key}: ${n(m.total)} events, ${n(m.blocked)} blocked, violation rate ${percent(m.violationRate)} (warn above ${percent(warn)}, fail above ${percent(fail)}); ${n(m.reviewed)} sent to review; ${n(m.malformed)} malformed lines`,
  );
}
