import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { parsePeriodKey, serializePeriod } from '../../src/calendar/period.js';
import { acceptBaseline } from '../../src/inventory/baseline.js';
import { acknowledgeCase, caseBaseId } from '../../src/ledger/cases.js';
import { claimPending, recordSent, type NotificationOrigin, type PendingNotification } from '../../src/ledger/notifications.js';
import { recordRunFinished, recordRunStarted } from '../../src/ledger/runs.js';
import { newRunId } from '../../src/lib/ids.js';
import type { AttemptStatus, Finding, Result } from '../../src/lib/result.js';
import { runCheck } from '../../workers/run-check.js';
import { baseConfig, testEnv, type TestEnv } from './workspace.js';

/**
 * Ledger fixtures for the review package. Cases, notifications and baseline acceptances are
 * written by Dossier's own writers (case-observe.ts, cases.ts, notifications.ts, baseline.ts) and
 * the feature-changes check by its real handler, so their shape cannot drift from what the
 * export reads. Safety-log and policy results are recorded as run-check.ts records them
 * (started row, sealed evidence, finished row) with chosen metrics, so every month's numbers
 * are known.
 */

export const ZONE = 'Asia/Shanghai';

export function exportConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = baseConfig();
  const services = base.services as Array<Record<string, unknown>>;
  return {
    ...base,
    services: [
      ...services,
      { id: 'translator', name: '翻译助手', filing: { number: 'Beijing-Trans-20250601' }, obligations: [], sources: { complaints: { file: '../examples/assistant/complaints.csv' } } },
    ],
    checks: [
      { id: 'assistant-safety-logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *', thresholds: { violationRate: { warn: 0.01, fail: 0.03 } } },
      { id: 'assistant-feature-changes', type: 'feature-changes', service: 'assistant', cron: '0 9 * * *' },
      { id: 'assistant-policy-freshness', type: 'policy-freshness', service: 'assistant', cron: '0 10 * * 1' },
      { id: 'assistant-complaints', type: 'complaint-sla', service: 'assistant', cron: '0 8 * * *' },
      { id: 'translator-complaints', type: 'complaint-sla', service: 'translator', cron: '0 8 * * *' },
    ],
    ...overrides,
  };
}

export interface RecordOptions {
  check: string;
  type: string;
  service?: string;
  period: string;
  /** When it was recorded (the ledger rows' `at`). */
  at: string;
  status: AttemptStatus;
  summary?: string;
  metrics?: Record<string, unknown>;
  findings?: Finding[];
  files?: Record<string, string | Buffer>;
}

/** One attempt, recorded the way workers/run-check.ts does: started row, sealed evidence, finished row. */
export async function recordResult(env: TestEnv, o: RecordOptions): Promise<Result> {
  const at = DateTime.fromISO(o.at, { setZone: true });
  env.clock.set(at);
  const kind = o.period.length === 7 ? 'previous-month' : 'day';
  const period = parsePeriodKey(kind, o.period, ZONE)!;
  const service = o.service ?? 'assistant';
  const runId = newRunId(at);
  const base = {
    runId,
    check: o.check,
    type: o.type,
    service,
    period: serializePeriod(period),
    scheduledAt: at.toISO()!,
    startedAt: at.toISO()!,
    attempt: 1,
    trigger: 'schedule' as const,
  };
  await recordRunStarted(env.ledger, base);
  const writer = await env.archive.openRun({ service, check: o.check, period: period.key, runId }, base.startedAt);
  for (const [name, data] of Object.entries(o.files ?? {})) await writer.writeFile(name, data);
  const evidence = await writer.finalize();
  const result: Result = {
    ...base,
    finishedAt: at.plus({ seconds: 5 }).toISO()!,
    status: o.status,
    summary: o.summary ?? `${o.type} ${period.key}: ${o.status}`,
    metrics: o.metrics ?? {},
    findings: o.findings ?? [],
    evidence,
  };
  await recordRunFinished(env.ledger, result);
  return result;
}

export function safetyMetrics(total: number, blocked: number, reviewed = 0, malformed = 0) {
  return {
    total,
    passed: total - blocked - reviewed,
    blocked,
    reviewed,
    malformed,
    violationRate: total ? blocked / total : 0,
    byCategory: { politics: { total: Math.round(total * 0.1), blocked: Math.round(blocked * 0.6) }, porn: { total: Math.round(total * 0.05), blocked: blocked - Math.round(blocked * 0.6) } },
    byDay: {},
  };
}

export async function recordSafetyMonth(env: TestEnv, month: string, total: number, blocked: number, status: AttemptStatus = 'pass'): Promise<Result> {
  const next = DateTime.fromFormat(month, 'yyyy-MM', { zone: ZONE }).plus({ months: 1 });
  const metrics = safetyMetrics(total, blocked);
  const events = Array.from({ length: 5 }, (_, i) => JSON.stringify({ ts: `${month}-0${i + 1}T10:00:00+08:00`, verdict: i === 0 ? 'block' : 'pass', category: 'politics', requestId: `r${i}` })).join('\n');
  return recordResult(env, {
    check: 'assistant-safety-logs',
    type: 'safety-logs',
    period: month,
    at: next.set({ hour: 2 }).toISO()!,
    status,
    summary: `${month}: ${total} events, ${blocked} blocked`,
    metrics,
    files: {
      'summary.json': JSON.stringify(metrics, null, 2),
      'report.md': `# ${month}\n\n${total} events, ${blocked} blocked\n`,
      'events.jsonl.gz': gzipSync(Buffer.from(events), { level: 9 }),
    },
  });
}

/** One run of a configured check through the real worker code (handler, cases, evidence), as scheduled at `at`. */
export async function runAt(env: TestEnv, checkId: string, at: string): Promise<Result> {
  const scheduledAt = DateTime.fromISO(at, { setZone: true });
  env.clock.set(scheduledAt);
  const { result } = await runCheck(env, { checkId, scheduledAt, trigger: 'schedule', attempt: 1, maxAttempts: 1 });
  return result;
}

/** An email as the notification pipeline records it: the pending row, then the sent row. */
async function email(env: TestEnv, at: string, key: string, origin: NotificationOrigin, to: string[], subject: string): Promise<void> {
  const created = DateTime.fromISO(at, { setZone: true });
  env.clock.set(created);
  const messageId = `<${key.replace(/[^a-z0-9]/gi, '.')}@dossier>`;
  const pending: PendingNotification = {
    key,
    origin,
    from: 'AI 合规助手 <compliance@example.com>',
    to,
    cc: [],
    subject,
    text: subject,
    html: `<p>${subject}</p>`,
    locale: 'zh-CN',
    messageId,
    bodySha256: 'b'.repeat(64),
    createdAt: created.toISO()!,
  };
  if ((await claimPending(env.ledger, pending)) !== 'recorded') throw new Error(`fixture: ${key} recorded twice`);
  const sent = created.plus({ seconds: 2 });
  env.clock.set(sent);
  await recordSent(env.ledger, key, { attempt: 1, sentAt: sent.toISO()!, transport: 'outbox', messageId, accepted: to, rejected: [] });
}

export const FILING_REF = 'Beijing-XiaoZhi-20250315-C1';
export const ACCEPTED_BY = 'legal@example.com';
/** The feature-change case the fixture's feature-changes run opens (image-gen added). */
export const CASE_ID = caseBaseId({ id: 'assistant-feature-changes', type: 'feature-changes' }, { code: 'feature-added', subject: 'feature:image-gen' });
/** The complaint case still open at the end of the window. */
export const COMPLAINT_CASE_ID = caseBaseId({ id: 'assistant-complaints', type: 'complaint-sla' }, { complaint: 'C-2026-0912' });

/** The running inventory: the filed baseline plus one feature, so the check opens exactly one case. */
const INVENTORY = `model: { name: XiaoZhi, version: "2.1", base: Qwen2.5-72B }
features:
  - { id: chat, name: 多轮对话 }
  - { id: doc-qa, name: 文档问答 }
  - { id: image-gen, name: 图片生成 }
scope: { audiences: [enterprise], regions: [CN], channels: [web, api] }
`;

/**
 * The complaint ledger the fixture's complaint-sla runs read: two complaints a month, answered
 * within days, and C-2026-0912, never answered (a case from 1 October, overdue from mid-October).
 */
function complaintsCsv(): string {
  const rows = ['id,receivedAt,channel,category,respondedAt,resolvedAt'];
  for (let m = DateTime.fromISO('2025-10-01', { zone: ZONE }); m.year < 2026 || m.month <= 10; m = m.plus({ months: 1 })) {
    const day = (d: number, h: number) => m.set({ day: d, hour: h }).toISO();
    rows.push(`C-${m.toFormat('yyyy-MM')}-a,${day(5, 10)},web,账号,${day(5, 15)},`, `C-${m.toFormat('yyyy-MM')}-b,${day(8, 10)},app,隐私,${day(12, 10)},${day(13, 10)}`);
  }
  rows.push('C-2026-0912,2026-09-12T10:00:00+08:00,web,违规内容,,');
  return `${rows.join('\n')}\n`;
}

/**
 * A year of a service's life, window 2025-11 .. 2026-10 (Asia/Shanghai): safety logs every month
 * except 2026-02 and 2026-05, one failed month (2026-07), a retried month (2026-03); policy and
 * complaint-sla runs (real handler); a feature-change case opened by the real feature-changes check, acknowledged
 * (`dossier ack`'s function) and closed by a real `baseline accept`, whose archived baselines
 * live under `assistant/_baselines/`; an open complaint case (C-2026-0912); notifications through the ledger's
 * notification writers (one for another service, one general digest). Plus rows before and
 * after the window.
 */
export async function seedYear(env: TestEnv): Promise<void> {
  // Recorded before the window starts: neither its rows nor its evidence are in the package.
  await recordResult(env, { check: 'assistant-policy-freshness', type: 'policy-freshness', period: '2025-10-27', at: '2025-10-27T10:00:00+08:00', status: 'pass', files: { 'summary.json': '{}' } });
  // October's logs are collected on 1 November: the rows are in the segment, the evidence is not (its period is outside).
  await recordSafetyMonth(env, '2025-10', 900, 3);
  for (const month of ['2025-11', '2025-12', '2026-01', '2026-03', '2026-04', '2026-06', '2026-08', '2026-09', '2026-10']) {
    if (month === '2026-03') {
      await recordResult(env, { check: 'assistant-safety-logs', type: 'safety-logs', period: month, at: '2026-04-01T02:00:00+08:00', status: 'error', summary: 'source unreadable' });
    }
    await recordSafetyMonth(env, month, 1000 + month.charCodeAt(6) * 10, month === '2026-09' ? 15 : 4);
  }
  await recordSafetyMonth(env, '2026-07', 1200, 48, 'fail');

  for (const day of ['2025-11-03', '2025-12-01', '2026-01-05', '2026-02-02', '2026-03-02', '2026-04-06', '2026-05-04', '2026-06-01', '2026-07-06', '2026-08-03', '2026-09-07', '2026-10-05', '2026-10-12']) {
    const stale = day === '2026-05-04' ? 9 : 2;
    const facts = (entries: number) => ({ file: 'x', sha256: 'a'.repeat(64), bytes: 1, entries, uniqueEntries: entries, malformed: 0, unchangedSince: `${day}T10:00:00+08:00`, unchangedDays: stale, firstObservation: false, status: 'pass' });
    await recordResult(env, {
      check: 'assistant-policy-freshness',
      type: 'policy-freshness',
      period: day,
      at: `${day}T10:00:00+08:00`,
      status: stale > 7 ? 'warn' : 'pass',
      summary: `关键词库 12000 条（${stale} 天未变）`,
      metrics: { keywordLibrary: facts(12000), questionBanks: { refuse: facts(600), answer: facts(650) } },
      files: { 'summary.json': JSON.stringify({ day }) },
    });
  }
  // complaint-sla by its real handler, on the 15th and on the 1st (which records the previous
  // month complete), up to 2026-11-01 for October; without a run on 1 August, July's complete
  // figures come from the first run of August (the 15th).
  writeFileSync(join(env.dir, 'examples/assistant/complaints.csv'), complaintsCsv());
  for (const month of ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']) {
    if (month !== '2026-08') await runAt(env, 'assistant-complaints', `${month}-01T08:00:00+08:00`);
    if (month !== '2026-11') await runAt(env, 'assistant-complaints', `${month}-15T08:00:00+08:00`);
  }
  await recordResult(env, { check: 'translator-complaints', type: 'complaint-sla', service: 'translator', period: '2026-06-15', at: '2026-06-15T08:00:00+08:00', status: 'pass' });

  // The feature-changes check (the real handler) sees image-gen, which the filed baseline lacks: a case.
  writeFileSync(join(env.dir, 'examples/assistant/inventory.yaml'), INVENTORY);
  const opened = await runAt(env, 'assistant-feature-changes', '2026-06-02T09:00:00+08:00');
  if (opened.findings[0]?.caseId !== CASE_ID) throw new Error(`fixture: expected case ${CASE_ID}, got ${JSON.stringify(opened.findings)}`);
  await email(env, '2026-06-02T09:00:01+08:00', `case:${CASE_ID}:opened`, { kind: 'check', checkId: 'assistant-feature-changes', service: 'assistant', runId: opened.runId }, ['ops@example.com', 'legal@example.com'], '[智能客服大模型] 发现未报备的新增功能：图片生成');
  await email(env, '2026-06-03T08:30:00+08:00', 'digest:2026-06-03', { kind: 'digest' }, ['ops@example.com'], 'Dossier 每日摘要 2026-06-03');
  await email(env, '2026-06-04T09:00:00+08:00', 'pre-review:translator:renewal:2026-07-01:T-30', { kind: 'check', checkId: 'translator-pre-review', service: 'translator' }, ['ops@example.com'], '[翻译助手] 复审提醒');
  env.clock.set(DateTime.fromISO('2026-06-05T10:00:00+08:00'));
  await acknowledgeCase(env.ledger, CASE_ID, { by: 'ops-zhang', at: env.clock.now().toISO()!, note: '法务已开始准备变更备案' });
  // The change filing went through: `dossier baseline accept` archives both baselines and closes the case.
  env.clock.set(DateTime.fromISO('2026-06-12T10:00:00+08:00'));
  const accepted = await acceptBaseline(env, { service: 'assistant', ref: FILING_REF, by: ACCEPTED_BY });
  if (accepted.resolvedCases.join() !== CASE_ID) throw new Error(`fixture: baseline accept resolved ${accepted.resolvedCases.join()}`);

  // After the window: still in ledger.jsonl (the segment runs to the head), not on the page.
  await recordResult(env, { check: 'assistant-policy-freshness', type: 'policy-freshness', period: '2026-11-02', at: '2026-11-02T10:00:00+08:00', status: 'pass', files: { 'summary.json': '{}' } });
}

export async function seededEnv(overrides: Record<string, unknown> = {}): Promise<TestEnv> {
  const env = await testEnv({ config: exportConfig(overrides), at: '2025-10-01T00:00:00+08:00' });
  await seedYear(env);
  return env;
}
