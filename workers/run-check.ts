import type { DateTime } from 'luxon';
import type { Archive } from '../src/archive/store.js';
import { calendarFor, type IsWorkingDay } from '../src/calendar/workdays.js';
import { parsePeriodKey, periodFor, periodKeyFormat, serializePeriod, type Period } from '../src/calendar/period.js';
import { findCheck, findService, PERIOD_KIND, type Check, type Config, type Service } from '../src/config/normalize.js';
import type { Ledger } from '../src/ledger/ledger.js';
import { casePort } from '../src/ledger/case-observe.js';
import { recordRunFinished, recordRunStarted } from '../src/ledger/runs.js';
import { retryLedgerWrite } from '../src/ledger/retry.js';
import type { ResultSpool } from '../src/ledger/spool.js';
import type { Clock } from '../src/lib/clock.js';
import { PermanentError, UsageError, errorMessage } from '../src/lib/errors.js';
import { say } from '../src/lib/i18n.js';
import { newRunId } from '../src/lib/ids.js';
import type { Logger } from '../src/lib/logger.js';
import { redactSecrets } from '../src/lib/redact.js';
import type { Result, Trigger } from '../src/lib/result.js';
import { alertsFor } from '../src/notify/from-result.js';
import type { Notifier } from '../src/notify/pipeline.js';
import type { CheckHandler, CheckOutcome } from '../jobs/types.js';
import type { CheckType } from '../src/config/schema.js';
import { handlerFor } from './registry.js';
import { ledgerReader } from './ledger-reader.js';

export interface RunDeps {
  config: Config;
  ledger: Ledger;
  archive: Archive;
  clock: Clock;
  logger: Logger;
  /** Handler lookup; the registry by default. Tests pass their own (a handler that fails twice). */
  handlerFor?: HandlerLookup;
  /** Where a Result goes when the ledger stays unreachable; without one the error is thrown. */
  spool?: ResultSpool;
  /** Where the emails a run asks for go; without one they stay listed in the Result for the recovery sweep. */
  notifier?: Notifier;
  /** Working-day calendar handed to handlers; tests pin their own. */
  isWorkingDay?: IsWorkingDay;
}

// `any`: a lookup returns the handler of whichever type it was asked for.
export type HandlerLookup = (type: CheckType) => CheckHandler<any> | undefined;

export interface RunRequest {
  checkId: string;
  /** The nominal instant: the schedule's fire time, the catch-up period's instant, or --at. */
  scheduledAt: DateTime;
  /** Overrides the period derived from scheduledAt (`run --period`). */
  periodKey?: string;
  trigger: Trigger;
  attempt: number;
  maxAttempts: number;
  jobId?: string;
  /**
   * Aborted when this attempt must stop without a verdict: the process is stopping, or the
   * check's lock was lost. Such an attempt is recorded as `error` (never final), so the period
   * is run again.
   */
  signal?: AbortSignal;
  /** Record this attempt inconclusive with this reason instead of running the check (a job that keeps dying). */
  giveUp?: string;
}

export interface RunOutcome {
  result: Result;
  /** The attempt failed with a recoverable error and attempts remain: the caller should retry. */
  retry: boolean;
}

/** The CN working-day calendar (调休 included) of this config, as the predicate handlers take. */
function workingDays(config: Config, logger: Logger): IsWorkingDay {
  const calendar = calendarFor(config, logger);
  return (dateISO) => calendar.isWorkingDay(dateISO);
}

/** Resolves a request to its check, service and period; throws UsageError when it cannot. */
export function resolveRun(config: Config, req: Pick<RunRequest, 'checkId' | 'scheduledAt' | 'periodKey'>): { check: Check; service: Service; period: Period } {
  const check = findCheck(config, req.checkId);
  if (!check) {
    throw new UsageError(`no check "${req.checkId}" in ${config.file}; checks: ${config.checks.map((c) => c.id).join(', ') || '(none)'}`);
  }
  const service = findService(config, check.service)!;
  const kind = PERIOD_KIND[check.type];
  const period = req.periodKey ? parsePeriodKey(kind, req.periodKey, config.timezone) : periodFor(kind, req.scheduledAt, config.timezone);
  if (!period) {
    throw new UsageError(`period "${req.periodKey}" does not fit check ${check.id} (${check.type}); write it as ${periodKeyFormat(kind)}`);
  }
  return { check, service, period };
}

/**
 * One attempt of one check, from start row to sealed evidence and finish row. Used by the
 * BullMQ worker and by `run --local`, so both record exactly the same way.
 *
 * Never loses a result: whatever happens inside the handler ends as a recorded attempt. A
 * recoverable error with attempts left is recorded as `error` and reported back for a retry; a
 * permanent error or the last attempt is recorded `inconclusive` with the message.
 */
export async function runCheck(deps: RunDeps, req: RunRequest): Promise<RunOutcome> {
  const { config, ledger, archive, clock } = deps;
  const { check, service, period } = resolveRun(config, req);
  const zone = config.timezone;
  const startedAt = clock.now().setZone(zone);
  const runId = newRunId(startedAt);
  const scheduledAt = req.scheduledAt.setZone(zone);
  const logger = deps.logger.child({ check: check.id, service: service.id, period: period.key, runId, jobId: req.jobId, attempt: req.attempt });

  const base = {
    runId,
    check: check.id,
    type: check.type,
    service: service.id,
    period: serializePeriod(period),
    scheduledAt: scheduledAt.toISO()!,
    startedAt: startedAt.toISO()!,
    attempt: req.attempt,
    trigger: req.trigger,
    ...(req.jobId ? { jobId: req.jobId } : {}),
  };
  const { interrupted } = await recordRunStarted(ledger, base);
  if (interrupted.length) logger.warn({ interrupted }, 'earlier attempts of this period never finished; recorded as interrupted');
  logger.info({ scheduledAt: base.scheduledAt, trigger: req.trigger }, 'run started');

  const evidence = await archive.openRun({ service: service.id, check: check.id, period: period.key, runId }, base.startedAt);
  const timeout = AbortSignal.timeout(check.timeoutMinutes * 60_000);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;

  let outcome: CheckOutcome;
  let error: string | undefined;
  let retry = false;
  try {
    if (req.giveUp) throw new PermanentError(req.giveUp);
    const handler = (deps.handlerFor ?? handlerFor)(check.type);
    if (!handler) throw new PermanentError(`this build of Dossier has no handler for check type ${check.type}`);
    // Deadlines are compared with the run's own day, never with the day a worker picks it up.
    const today = PERIOD_KIND[check.type] === 'day' ? period.key : scheduledAt.toISODate()!;
    const cases = casePort(ledger, { check, service: service.id, runId, scheduledAt: base.scheduledAt, today, periodKey: period.key });
    outcome = await abortable(
      handler.run(
        { check, service, period, scheduledAt },
        { config, clock, logger, evidence, ledger: ledgerReader(ledger), cases, runId, attempt: req.attempt, signal, isWorkingDay: deps.isWorkingDay ?? workingDays(config, logger) },
      ),
      signal,
      () =>
        timeout.aborted
          ? `the run took longer than timeoutMinutes (${check.timeoutMinutes})`
          : req.signal?.reason instanceof Error
            ? req.signal.reason.message
            : 'the worker is shutting down',
    );
  } catch (err) {
    error = redactSecrets(errorMessage(err));
    const permanent = err instanceof PermanentError;
    // Cut off from outside (shutdown, lost lock): not the check's verdict, so never final.
    const interrupted = Boolean(req.signal?.aborted) && !timeout.aborted;
    retry = interrupted || (!permanent && req.attempt < req.maxAttempts);
    logger[retry ? 'warn' : 'error']({ err: error, permanent, willRetry: retry }, 'run failed');
    outcome = {
      status: 'inconclusive',
      summary: say(config.locale, `检查未能完成：${error}`, `The check could not complete: ${error}`),
      metrics: {},
      findings: [
        {
          code: permanent ? 'bad-input' : 'run-error',
          severity: 'fail',
          message: say(config.locale, `第 ${req.attempt} 次尝试失败：${error}`, `Attempt ${req.attempt} failed: ${error}`),
          data: { attempt: req.attempt, maxAttempts: req.maxAttempts, permanent },
        },
      ],
    };
  }

  const files = await evidence.finalize();
  const core: Result = {
    ...base,
    finishedAt: clock.now().setZone(zone).toISO()!,
    status: retry ? 'error' : outcome.status,
    summary: outcome.summary,
    metrics: outcome.metrics,
    findings: outcome.findings,
    evidence: files,
    ...(error ? { error } : {}),
  };
  // What the check asked for, plus case and not-OK alerts derived from the Result itself.
  const requested = [...(!error ? (outcome.notifications ?? []) : []), ...alertsFor(check, service, core)];
  const requests = requested.length ? requested : undefined;
  const result: Result = { ...core, ...(requests ? { notifications: requests } : {}) };
  await recordFinished(deps, result, logger);
  logger.info({ status: result.status, evidence: files.length }, 'run finished');
  // After the run is recorded: the Result lists the requests, so a crash here loses nothing.
  if (requests && deps.notifier) {
    await deps.notifier.submit(requests, { kind: 'check', checkId: check.id, service: service.id, runId, period: period.key });
  }
  return { result, retry };
}

/**
 * A finished run must reach the ledger: its evidence is already sealed and re-running the check
 * would do the work twice. So a failing write (database restarting, network blip) is retried
 * with backoff for `ledger.writeRetrySeconds`, then the Result is spooled to disk and recorded
 * when the ledger is back.
 */
async function recordFinished(deps: RunDeps, result: Result, logger: Logger): Promise<void> {
  try {
    await retryLedgerWrite(deps.ledger, deps.config.ledger.writeRetrySeconds, logger, 'the result', () => recordRunFinished(deps.ledger, result));
  } catch (err) {
    if (!deps.spool) throw err;
    const file = await deps.spool.put(result);
    logger.error({ err: errorMessage(err), spool: file }, 'ledger unreachable; result spooled, it will be recorded when the ledger is back');
  }
}

/** Rejects when `signal` fires, so a stuck handler cannot hold the worker past its timeout. */
function abortable<T>(work: Promise<T>, signal: AbortSignal, why: () => string): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error(why()));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(why()));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
