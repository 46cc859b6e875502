import { DateTime } from 'luxon';
import { dueCoveredBy } from '../../src/calendar/due-dates.js';
import { findService, type Config } from '../../src/config/normalize.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { obligationCompletions, recordObligationDone } from '../../src/ledger/obligations.js';
import type { IsWorkingDay } from '../../src/calendar/workdays.js';
import { inlineDispatch } from '../../src/notify/inline.js';
import { createNotifier, type Notifier } from '../../src/notify/pipeline.js';
import type { NotifyEnv } from '../../src/notify/stage.js';
import { Transports } from '../../src/notify/transports/index.js';
import type { Result } from '../../src/lib/result.js';
import { runCheck } from '../../workers/run-check.js';
import { baseConfig, testEnv, type TestEnv } from './workspace.js';

/** SMTP settings pointing at an in-process test server. */
export function smtpMail(port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    from: 'AI 合规助手 <compliance@example.com>',
    transport: 'smtp',
    smtp: { host: '127.0.0.1', port, secure: false, pool: true, ...extra },
    retries: 10,
    retryDelaySeconds: 0.05,
  };
}

/** baseConfig with a pre-review check (and the groups it mails). */
export function preReviewConfig(mail: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return baseConfig({
    mail,
    checks: [
      {
        id: 'assistant-pre-review',
        type: 'pre-review',
        service: 'assistant',
        cron: '0 9 * * *',
        leadDays: [60, 30, 14, 7, 3, 1],
        escalateWithinDays: 7,
        notify: ['ops', 'legal'],
        escalate: ['managers'],
      },
      { id: 'assistant-safety-logs', type: 'safety-logs', service: 'assistant', cron: '0 2 1 * *', notify: ['ops'] },
    ],
    ...overrides,
  });
}

export interface InlineEnv extends TestEnv {
  notifier: Notifier;
  transports: Transports;
  notifyEnv: NotifyEnv;
}

/** A test env whose emails are delivered in-process (one attempt each) through the configured transport. */
export async function inlineEnv(config: Record<string, unknown>, at: string): Promise<InlineEnv> {
  const env = await testEnv({ config, at });
  const notifyEnv: NotifyEnv = { config: () => env.config, ledger: env.ledger, clock: env.clock, logger: env.logger };
  const transports = new Transports({});
  const notifier = createNotifier(notifyEnv, inlineDispatch(notifyEnv, transports));
  return {
    ...env,
    notifier,
    transports,
    notifyEnv,
    close: async () => {
      transports.close();
      await env.close();
    },
  };
}

/** Runs the check as the daily schedule would on `day` at `time` (zone of the config). */
export async function runOn(env: InlineEnv, checkId: string, day: string, isWorkingDay: IsWorkingDay, time = '09:00'): Promise<Result> {
  const at = DateTime.fromISO(`${day}T${time}`, { zone: env.config.timezone });
  env.clock.set(at);
  const { result } = await runCheck(
    { ...env, isWorkingDay },
    { checkId, scheduledAt: at, trigger: 'schedule', attempt: 1, maxAttempts: 1 },
  );
  return result;
}

/** What `dossier obligation done` records. */
export async function markDone(ledger: Ledger, config: Config, service: string, obligation: string, on: string): Promise<string> {
  const o = findService(config, service)!.obligations.find((x) => x.id === obligation)!;
  const covers = dueCoveredBy(o.due, await obligationCompletions(ledger, service, obligation), on)!;
  await recordObligationDone(ledger, { service, obligation, covers, completedOn: on, by: 'test' });
  return covers;
}

/** Calendar days from `from` to `to` inclusive. */
export function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'UTC' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

/** Records a finished run as a worker would (for checks whose handlers are not in this branch). */
export async function seedResult(
  ledger: Ledger,
  r: { check: string; type: string; service?: string; period: string; status: Result['status']; scheduledAt: string; summary?: string },
): Promise<void> {
  const { recordRunFinished, recordRunStarted } = await import('../../src/ledger/runs.js');
  const runId = `seed-${r.check}-${r.period}-${Math.random().toString(16).slice(2, 8)}`;
  const base = {
    runId,
    check: r.check,
    type: r.type,
    service: r.service ?? 'assistant',
    period: { key: r.period, start: r.scheduledAt, end: r.scheduledAt },
    scheduledAt: r.scheduledAt,
    startedAt: r.scheduledAt,
    attempt: 1,
    trigger: 'schedule' as const,
  };
  await recordRunStarted(ledger, base);
  await recordRunFinished(ledger, { ...base, finishedAt: r.scheduledAt, status: r.status, summary: r.summary ?? `${r.check} ${r.status}`, metrics: {}, findings: [], evidence: [] });
}

/** Writes a case as the cases module does (a full CaseRecord row), for reports that read cases. */
export async function seedCase(
  ledger: Ledger,
  c: { caseId: string; check: string; code: string; title: string; deadline: string; firstSeen?: string; state?: 'open' | 'acknowledged' | 'resolved'; service?: string },
): Promise<void> {
  const { appendCaseRow } = await import('../../src/ledger/cases.js');
  const firstSeen = c.firstSeen ?? '2026-11-01';
  const record = {
    caseId: c.caseId, baseId: c.caseId, occurrence: 1, check: c.check, type: 'feature-changes', service: c.service ?? 'assistant', code: c.code, title: c.title,
    key: { code: c.code }, data: {}, actions: ['change-filing'], firstSeen, firstSeenAt: `${firstSeen}T09:00:00.000+08:00`, firstRunId: 'seed',
    deadline: c.deadline, severity: 'warn' as const, state: c.state ?? 'open', acks: [], updatedBy: 'seed',
  };
  await ledger.transaction(async (tx) => {
    await appendCaseRow(tx, 'opened', { ...record, state: 'open' });
    if (record.state !== 'open') await appendCaseRow(tx, record.state === 'resolved' ? 'resolved' : 'acknowledged', record);
  });
}
