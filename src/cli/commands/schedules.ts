import { DateTime } from 'luxon';
import { lastResultPerCheck } from '../../ledger/runs.js';
import { say } from '../../lib/i18n.js';
import { existingSchedules } from '../../producer/producer.js';
import { configOption, jsonOption, readConfig, table, withCheckQueue, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';

/** `dossier schedules`: checks with cron, zone, next run (Redis) and last result (ledger). */
export const registerSchedules: CommandRegistrar = (program, ctx) => {
  program
    .command('schedules')
    .description('list checks with cron, timezone, next run (from Redis) and last result (from the ledger)')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: CommonOptions) => {
      const config = readConfig(opts);
      const existing = await withCheckQueue(config, (queue) => existingSchedules(queue));
      const last = await withLedger(config, ctx, (ledger) => lastResultPerCheck(ledger));
      const byKey = new Map(existing.map((e) => [e.key, e]));
      const rows = config.checks.map((c) => {
        const s = byKey.get(c.id);
        const r = last.get(c.id);
        return {
          id: c.id,
          type: c.type,
          cron: c.cron,
          timezone: config.timezone,
          enabled: c.enabled,
          inRedis: Boolean(s),
          next: s?.next ? DateTime.fromMillis(s.next, { zone: config.timezone }).toISO() : null,
          last: r ? { runId: r.runId, period: r.period.key, status: r.status, finishedAt: r.finishedAt } : null,
        };
      });
      if (opts.json) return ctx.out(JSON.stringify(rows, null, 2));
      const l = config.locale;
      const missing = say(l, '（Redis 中没有：运行 reconcile）', '(not in Redis: run reconcile)');
      ctx.out(
        table([
          [say(l, '检查', 'check'), 'cron', say(l, '下次运行', 'next run'), say(l, '上次结果', 'last result')],
          ...rows.map((r) => [
            r.id,
            `${r.cron} ${r.timezone}`,
            !r.enabled ? say(l, '（已停用）', '(disabled)') : r.next ? r.next.slice(0, 16).replace('T', ' ') : missing,
            r.last ? `${r.last.status} ${r.last.period} (${r.last.finishedAt.slice(0, 16).replace('T', ' ')})` : '—',
          ]),
        ]),
      );
    });
};
