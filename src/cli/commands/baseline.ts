import { Archive } from '../../archive/store.js';
import { acceptBaseline } from '../../inventory/baseline.js';
import { say } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';
import { whoAmI } from '../who.js';

/**
 * `dossier baseline accept <service> --ref R`: the change filing went through, so what runs now
 * is what is filed. See src/inventory/baseline.ts for what is written where.
 */
export const registerBaseline: CommandRegistrar = (program, ctx) => {
  const baseline = program.command('baseline').description('the filed feature set (备案基线) of a service');
  baseline
    .command('accept')
    .description('take the current inventory as the filed baseline after a change filing; resolves the open feature-change cases')
    .argument('<service>', 'service id')
    .requiredOption('--ref <reference>', 'the change filing reference (变更备案编号 or approval document)')
    .option('--by <name>', 'who accepts (default: the OS user)')
    .option('--note <text>', 'a note kept with the acceptance')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (serviceId: string, opts: CommonOptions & { ref: string; by?: string; note?: string }) => {
      const config = readConfig(opts);
      const by = whoAmI(opts.by);
      const out = await withLedger(config, ctx, (ledger) =>
        acceptBaseline({ config, ledger, archive: new Archive(config.archive.dir), clock: ctx.clock }, { service: serviceId, ref: opts.ref, by, ...(opts.note ? { note: opts.note } : {}) }),
      );
      if (opts.json) return ctx.out(JSON.stringify(out, null, 2));
      const l = config.locale;
      const archived = out.evidence.find((e) => e.path.endsWith('previous-baseline.yaml'));
      ctx.out(
        say(
          l,
          `已将当前功能清单设为 ${out.service} 的备案基线（第 ${out.version} 版，备案编号 ${out.ref}，${by}）${out.unchanged ? '；内容与原基线相同' : ''}`,
          `The current inventory is now the filed baseline of ${out.service} (version ${out.version}, reference ${out.ref}, by ${by})${out.unchanged ? '; same content as before' : ''}`,
        ),
      );
      ctx.out(say(l, `  基线文件：${out.baselineFile}`, `  baseline file: ${out.baselineFile}`));
      if (archived) ctx.out(say(l, `  原基线已存档：${archived.path}（sha256 ${archived.sha256}）`, `  previous baseline archived: ${archived.path} (sha256 ${archived.sha256})`));
      ctx.out(
        out.resolvedCases.length
          ? say(l, `  已解决 ${out.resolvedCases.length} 个案件：${out.resolvedCases.join(', ')}`, `  resolved ${out.resolvedCases.length} case(s): ${out.resolvedCases.join(', ')}`)
          : say(l, '  没有待关闭的案件', '  no open cases to resolve'),
      );
    });
};
