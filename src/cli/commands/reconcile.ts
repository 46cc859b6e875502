import { UsageError } from '../../lib/errors.js';
import { say } from '../../lib/i18n.js';
import { commandConnection } from '../../queue/connection.js';
import { tryLock } from '../../queue/lock.js';
import { schedulerLeaseKey } from '../../queue/names.js';
import { reconcile } from '../../producer/producer.js';
import { planIsEmpty } from '../../producer/plan.js';
import { configOption, jsonOption, readConfig, withCheckQueue, type CommandRegistrar, type CommonOptions } from '../common.js';

/** `dossier reconcile [--dry-run]`: apply config to Redis once and print the plan. */
export const registerReconcile: CommandRegistrar = (program, ctx) => {
  program
    .command('reconcile')
    .description('apply the config to Redis job schedulers once and print the plan')
    .addOption(configOption())
    .addOption(jsonOption())
    .option('--dry-run', 'print the plan without changing Redis')
    .action(async (opts: CommonOptions & { dryRun?: boolean }) => {
      const config = readConfig(opts);
      const plan = await withCheckQueue(config, async (queue) => {
        if (opts.dryRun) return reconcile(config, queue, ctx.logger, { dryRun: true });
        // Only the lease holder writes schedules (concurrent upserts have duplicated schedulers in
        // BullMQ): take the lease for this one pass, or leave the work to the running scheduler.
        const redis = commandConnection(config.redis.url);
        redis.on('error', () => undefined);
        try {
          await redis.connect();
          const lease = await tryLock(redis, schedulerLeaseKey(config.redis.prefix), 30_000);
          if (!lease) {
            throw new UsageError(
              `a running scheduler holds the lease (${schedulerLeaseKey(config.redis.prefix)}) and applies the config itself: send it SIGHUP (kill -HUP <pid>) after editing the file, or use --dry-run to see the plan`,
            );
          }
          try {
            return await reconcile(config, queue, ctx.logger);
          } finally {
            await lease.release();
          }
        } finally {
          if (redis.status !== 'end') redis.disconnect();
        }
      });
      const summary = {
        dryRun: Boolean(opts.dryRun),
        added: plan.add.map((d) => ({ id: d.id, cron: d.pattern, tz: d.tz })),
        updated: plan.update.map((u) => ({ id: u.desired.id, why: u.why })),
        removed: plan.remove.map((e) => ({ id: e.key })),
        unchanged: plan.unchanged.map((d) => d.id),
      };
      if (opts.json) return ctx.out(JSON.stringify(summary, null, 2));
      const l = config.locale;
      const verb = opts.dryRun ? say(l, '（预演，未修改 Redis）', '(dry run: Redis not changed)') : '';
      ctx.out(`${say(l, '调度计划', 'Reconcile plan')} ${verb}`.trim());
      for (const a of summary.added) ctx.out(`  + ${a.id}  ${a.cron} (${a.tz})`);
      for (const u of summary.updated) ctx.out(`  ~ ${u.id}  ${u.why}`);
      for (const r of summary.removed) ctx.out(`  - ${r.id}`);
      if (planIsEmpty(plan)) ctx.out(say(l, `  无变化（${summary.unchanged.length} 个未变）`, `  no changes (${summary.unchanged.length} unchanged)`));
      else ctx.out(say(l, `  ${summary.unchanged.length} 个未变`, `  ${summary.unchanged.length} unchanged`));
    });
};
