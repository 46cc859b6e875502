import { acknowledgeCase } from '../../ledger/cases.js';
import { say } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';
import { whoAmI } from '../who.js';

/**
 * `dossier ack <case> --note "…"`: someone has the case in hand. Recorded in the ledger (a case
 * row and an events row) with who and when; the deadline and the check's status do not change.
 */
export const registerAck: CommandRegistrar = (program, ctx) => {
  program
    .command('ack')
    .description('acknowledge a case: record who has it in hand (the deadline stays)')
    .argument('<case>', 'case id, or a unique prefix of it')
    .option('--note <text>', 'what is being done, e.g. the change filing submitted')
    .option('--by <name>', 'who acknowledges (default: the OS user)')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (id: string, opts: CommonOptions & { note?: string; by?: string }) => {
      const config = readConfig(opts);
      const by = whoAmI(opts.by);
      const at = ctx.clock.now().setZone(config.timezone).toISO()!;
      const c = await withLedger(config, ctx, (ledger) => acknowledgeCase(ledger, id, { by, at, ...(opts.note ? { note: opts.note } : {}) }));
      if (opts.json) return ctx.out(JSON.stringify(c, null, 2));
      const l = config.locale;
      ctx.out(say(l, `已确认案件 ${c.caseId}（${by}）：${c.title}；截止日期仍为 ${c.deadline}`, `Acknowledged ${c.caseId} (${by}): ${c.title}; the deadline stays ${c.deadline}`));
    });
};
