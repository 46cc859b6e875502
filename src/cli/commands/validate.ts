import { nextFireTimes } from '../../calendar/cron.js';
import { calendarHorizonWarnings } from '../../calendar/horizon.js';
import { say } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, table, type CommandRegistrar, type CommonOptions } from '../common.js';

/** `dossier validate`: every config problem at once (exit 2), or a summary and next fire times. */
export const registerValidate: CommandRegistrar = (program, ctx) => {
  program
    .command('validate')
    .description('check the config; print services, checks and the next three fire times of each check')
    .addOption(configOption())
    .addOption(jsonOption())
    .action((opts: CommonOptions) => {
      const config = readConfig(opts);
      const now = ctx.clock.now();
      const checks = config.checks.map((c) => ({
        id: c.id,
        type: c.type,
        service: c.service,
        cron: c.cron,
        enabled: c.enabled,
        next: c.enabled ? nextFireTimes(c.cron, config.timezone, now, 3).map((d) => d.toISO()!) : [],
      }));
      const warnings = calendarHorizonWarnings(config, now);
      if (opts.json) {
        ctx.out(JSON.stringify({ file: config.file, valid: true, timezone: config.timezone, services: config.services.map((s) => ({ id: s.id, name: s.name, filing: s.filing.number })), checks, warnings }, null, 2));
        return;
      }
      const l = config.locale;
      ctx.out(say(l, `配置有效：${config.file}（时区 ${config.timezone}）`, `Config OK: ${config.file} (timezone ${config.timezone})`));
      ctx.out('');
      ctx.out(table([[say(l, '服务', 'service'), say(l, '名称', 'name'), say(l, '备案号', 'filing')], ...config.services.map((s) => [s.id, s.name, s.filing.number])]));
      ctx.out('');
      ctx.out(
        table([
          [say(l, '检查', 'check'), say(l, '类型', 'type'), 'cron', say(l, '接下来三次', 'next three runs')],
          ...checks.map((c) => [c.id, c.type, c.cron, c.enabled ? c.next.map((n) => n.slice(0, 16).replace('T', ' ')).join(', ') : say(l, '（已停用）', '(disabled)')]),
        ]),
      );
      if (warnings.length) {
        ctx.out('');
        ctx.out(say(l, '警告：', 'Warnings:'));
        for (const w of warnings) ctx.out(`  - ${w.message[l]}`);
      }
    });
};
