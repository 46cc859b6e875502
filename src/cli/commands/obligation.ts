import { currentDue, dueCoveredBy, localDate } from '../../calendar/due-dates.js';
import { findService } from '../../config/normalize.js';
import { isoDate } from '../../config/schema.js';
import { obligationCompletions, recordObligationDone } from '../../ledger/obligations.js';
import { UsageError } from '../../lib/errors.js';
import { say } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';
import { whoAmI } from '../who.js';

interface DoneOptions extends CommonOptions {
  on: string;
  by?: string;
  note?: string;
}

/**
 * `dossier obligation done <service> <obligation> --on DATE`: records, hash-chained, that a
 * dated duty was completed. The completion covers the current due date (or a later one that had
 * also passed by DATE), which rolls a recurring duty forward and stops its reminders.
 */
export const registerObligation: CommandRegistrar = (program, ctx) => {
  const obligation = program.command('obligation').description('dated duties (annual review, filing anniversary, …)');
  obligation
    .command('done')
    .description('record that an obligation was completed; rolls a recurring due date forward')
    .argument('<service>', 'service id')
    .argument('<obligation>', 'obligation id')
    .requiredOption('--on <date>', 'the day it was completed, YYYY-MM-DD')
    .option('--by <name>', 'who completed it (default: the current user)')
    .option('--note <text>', 'a note kept with the record (e.g. the filing reference)')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (serviceId: string, obligationId: string, opts: DoneOptions) => {
      const config = readConfig(opts);
      const l = config.locale;
      const service = findService(config, serviceId);
      if (!service) throw new UsageError(`no service "${serviceId}" in ${config.file}; services: ${config.services.map((s) => s.id).join(', ')}`);
      const o = service.obligations.find((x) => x.id === obligationId);
      if (!o) {
        throw new UsageError(`service "${serviceId}" has no obligation "${obligationId}"; obligations: ${service.obligations.map((x) => x.id).join(', ') || '(none)'}`);
      }
      if (!isoDate.safeParse(opts.on).success) throw new UsageError(`--on "${opts.on}" is not a date; write it as YYYY-MM-DD`);
      const today = localDate(ctx.clock.now(), config.timezone);
      if (opts.on > today) throw new UsageError(`--on ${opts.on} is in the future (today is ${today} in ${config.timezone}); record a completion once it happened`);

      const outcome = await withLedger(config, ctx, async (ledger) => {
        const completions = await obligationCompletions(ledger, service.id, o.id);
        const latest = completions.at(-1);
        if (latest && opts.on <= latest.completedOn) {
          // Re-running the command must not roll the duty forward a second time.
          return { recorded: false as const, latest, nextDue: currentDue(o.due, completions) ?? null };
        }
        const covers = dueCoveredBy(o.due, completions, opts.on);
        if (!covers) return { recorded: false as const, latest, nextDue: null };
        const done = { service: service.id, obligation: o.id, covers, completedOn: opts.on, by: whoAmI(opts.by), ...(opts.note ? { note: opts.note } : {}) };
        await recordObligationDone(ledger, done);
        return { recorded: true as const, done, nextDue: currentDue(o.due, [...completions, done]) ?? null };
      });

      if (opts.json) return ctx.out(JSON.stringify(outcome, null, 2));
      if (!outcome.recorded) {
        const when = outcome.latest ? outcome.latest.completedOn : '';
        return ctx.out(
          outcome.latest
            ? say(l, `未记录：${o.title} 已记录过 ${when} 的完成（对应到期日 ${outcome.latest.covers}）；新的完成日期必须晚于它`, `Not recorded: ${o.title} already has a completion on ${when} (for the due date ${outcome.latest.covers}); a new completion must be later`)
            : say(l, `未记录：${o.title} 没有待完成的到期日`, `Not recorded: ${o.title} has no open due date`),
        );
      }
      const next = outcome.nextDue ? say(l, `下一个到期日 ${outcome.nextDue}`, `next due ${outcome.nextDue}`) : say(l, '没有后续到期日', 'no further due date');
      ctx.out(
        say(
          l,
          `已记录：${o.title} 于 ${outcome.done.completedOn} 完成（对应到期日 ${outcome.done.covers}）；${next}`,
          `Recorded: ${o.title} completed on ${outcome.done.completedOn} (due date ${outcome.done.covers}); ${next}`,
        ),
      );
    });
};
