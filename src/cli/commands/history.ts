import { listResults } from '../../ledger/runs.js';
import { say } from '../../lib/i18n.js';
import { configOption, jsonOption, positiveInteger, readConfig, table, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';
import { statusLabel } from '../format.js';

/** `dossier history`: past runs, newest first. */
export const registerHistory: CommandRegistrar = (program, ctx) => {
  program
    .command('history')
    .description('past runs, newest first')
    .option('--check <id>', 'only this check')
    .option('--service <id>', 'only this service')
    .option('--limit <n>', 'how many runs to show', positiveInteger, 20)
    .option('--all-attempts', 'include attempts that failed and were retried')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: CommonOptions & { check?: string; service?: string; limit: number; allAttempts?: boolean }) => {
      const config = readConfig(opts);
      const results = await withLedger(config, ctx, (ledger) =>
        listResults(ledger, { check: opts.check, service: opts.service, limit: opts.limit, includeErrors: opts.allAttempts }),
      );
      if (opts.json) return ctx.out(JSON.stringify(results, null, 2));
      const l = config.locale;
      if (results.length === 0) return ctx.out(say(l, '还没有运行记录', 'No runs recorded yet'));
      ctx.out(
        table([
          [say(l, '完成时间', 'finished'), say(l, '检查', 'check'), say(l, '周期', 'period'), say(l, '状态', 'status'), say(l, '摘要', 'summary')],
          ...results.map((r) => [r.finishedAt.slice(0, 16).replace('T', ' '), r.check, r.period.key, statusLabel(l, r.status), r.summary]),
        ]),
      );
    });
};
