import { DateTime } from 'luxon';
import { Archive } from '../../archive/store.js';
import { parsePeriodKey, scheduledInstantFor } from '../../calendar/period.js';
import { findCheck, PERIOD_KIND, type Config } from '../../config/normalize.js';
import { findRun } from '../../ledger/runs.js';
import { UsageError } from '../../lib/errors.js';
import { say } from '../../lib/i18n.js';
import type { Result } from '../../lib/result.js';
import { inlineDispatch } from '../../notify/inline.js';
import { createNotifier } from '../../notify/pipeline.js';
import { Transports } from '../../notify/transports/index.js';
import { checkJobOptions } from '../../queue/job-options.js';
import type { CheckJobData } from '../../queue/payload.js';
import { resolveRun, runCheck } from '../../../workers/run-check.js';
import { lockForLocalRun } from '../check-lock.js';
import { configOption, jsonOption, positiveSeconds, readConfig, warn, withCheckQueue, withLedger, type CliContext, type CommandRegistrar, type CommonOptions } from '../common.js';
import { exitCodeFor, formatResult } from '../format.js';
import { JobWatch } from '../job-watch.js';
import { whoAmI } from '../who.js';

interface RunOptions extends CommonOptions {
  period?: string;
  at?: string;
  wait?: boolean;
  local?: boolean;
  timeout: number;
}

/**
 * `dossier run <check>`: run a check now, for a period (--period) or as if scheduled at an
 * instant (--at). Through the daemon by default (a manual job on the queue; --wait prints the
 * Result), or in this process with --local (no daemon needed, still recorded in the ledger).
 */
export const registerRun: CommandRegistrar = (program, ctx, setExit) => {
  program
    .command('run')
    .description('run a check now; --local runs it in this process, --wait waits for the daemon\'s result')
    .argument('<check>', 'check id')
    .option('--period <key>', 'period to run for: YYYY-MM (monthly checks) or YYYY-MM-DD')
    .option('--at <iso>', 'run as if scheduled at this instant (ISO-8601; without offset: in the config timezone)')
    .option('--wait', 'wait for the worker and print the result')
    .option('--local', 'run in this process instead of through the daemon')
    .option('--timeout <seconds>', 'with --wait: give up after this many seconds', positiveSeconds, 600)
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (checkId: string, opts: RunOptions) => {
      const config = readConfig(opts);
      const scheduledAt = instantFor(config, checkId, opts, ctx);
      const result = opts.local ? await runLocal(config, ctx, checkId, scheduledAt, opts.period) : await runViaDaemon(config, ctx, checkId, scheduledAt, opts);
      if (!result) return;
      ctx.out(opts.json ? JSON.stringify(result, null, 2) : formatResult(config.locale, result));
      setExit(exitCodeFor(result));
    });
};

/** --at wins; else the instant the schedule would have fired for --period; else now. */
function instantFor(config: Config, checkId: string, opts: RunOptions, ctx: CliContext): DateTime {
  const check = findCheck(config, checkId);
  if (!check) throw new UsageError(`no check "${checkId}" in ${config.file}; checks: ${config.checks.map((c) => c.id).join(', ')}`);
  if (opts.at) {
    const at = DateTime.fromISO(opts.at, { zone: config.timezone });
    if (!at.isValid) throw new UsageError(`--at "${opts.at}" is not an ISO-8601 instant; write e.g. 2026-11-01T02:00:00+08:00`);
    return at;
  }
  if (opts.period) {
    const period = parsePeriodKey(PERIOD_KIND[check.type], opts.period, config.timezone);
    if (period) return scheduledInstantFor(PERIOD_KIND[check.type], period, check.cron, config.timezone);
  }
  return ctx.clock.now().setZone(config.timezone);
}

async function runLocal(config: Config, ctx: CliContext, checkId: string, scheduledAt: DateTime, periodKey?: string): Promise<Result> {
  resolveRun(config, { checkId, scheduledAt, periodKey }); // a bad --period is a usage error before Redis is asked
  const lock = await lockForLocalRun(config, checkId, (text) => warn(ctx, text));
  try {
    return await recordLocalRun(config, ctx, checkId, scheduledAt, periodKey);
  } finally {
    await lock.release();
  }
}

function recordLocalRun(config: Config, ctx: CliContext, checkId: string, scheduledAt: DateTime, periodKey?: string): Promise<Result> {
  return withLedger(config, ctx, async (ledger) => {
    // Emails go out from this process too (one attempt); what cannot go now stays pending for the daemon.
    const env = { config: () => config, ledger, clock: ctx.clock, logger: ctx.logger };
    const transports = new Transports();
    const notifier = createNotifier(env, inlineDispatch(env, transports));
    const deps = { config, ledger, archive: new Archive(config.archive.dir), clock: ctx.clock, logger: ctx.logger, notifier };
    try {
      const { result } = await runCheck(deps, { checkId, scheduledAt, periodKey, trigger: 'local', attempt: 1, maxAttempts: 1 });
      return result;
    } finally {
      transports.close();
    }
  });
}

async function runViaDaemon(config: Config, ctx: CliContext, checkId: string, scheduledAt: DateTime, opts: RunOptions): Promise<Result | undefined> {
  const { check, period } = resolveRun(config, { checkId, scheduledAt, periodKey: opts.period });
  const data: CheckJobData = { checkId, scheduledAt: scheduledAt.toISO()!, periodKey: period.key, trigger: 'manual', requestedBy: whoAmI() };
  const jobId = `manual.${check.id}.${period.key}.${Date.now()}`;
  return withCheckQueue(config, async (queue) => {
    // Subscribe before adding, so a fast worker cannot finish the job before we listen.
    const watch = opts.wait ? await JobWatch.open(config, ctx.logger) : undefined;
    try {
      const job = await queue.add(check.type, data, { ...checkJobOptions(check, 'manual'), jobId });
      if (!watch) {
        ctx.out(opts.json ? JSON.stringify({ jobId: job.id, check: check.id, period: period.key, queued: true }) : say(config.locale, `已加入队列：${job.id}（用 --wait 等待结果）`, `Queued ${job.id} (use --wait to wait for the result)`));
        return undefined;
      }
      const ret = await watch.finished(job, check.id, opts.timeout);
      if (!ret?.runId) {
        const why = ret?.skipped === 'not-in-config' ? `its config has no enabled check "${check.id}"` : `job ${job.id}: ${ret?.skipped ?? 'no reason given'}`;
        throw new UsageError(
          `the daemon did not run ${check.id} (${why}); run this command with the daemon's config (--config / DOSSIER_CONFIG), or reload the daemon (SIGHUP) after editing that config`,
        );
      }
      const runId = ret.runId;
      return await withLedger(config, ctx, async (ledger) => {
        const result = await findRun(ledger, runId);
        if (!result) {
          throw new UsageError(
            `run ${runId} is not in the ${ledger.description}: the daemon recorded it in another ledger; run this command with the daemon's config (--config / DOSSIER_CONFIG)`,
          );
        }
        return result;
      });
    } finally {
      await watch?.close();
    }
  });
}
