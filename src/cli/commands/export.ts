import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Archive } from '../../archive/store.js';
import { exportPackage } from '../../archive/export/export.js';
import { defaultWindow, isMonthKey, windowOf, addMonths } from '../../archive/export/window.js';
import type { Completion } from '../../calendar/due-dates.js';
import { obligationCompletions } from '../../ledger/obligations.js';
import { findService } from '../../config/normalize.js';
import { UsageError } from '../../lib/errors.js';
import { say, type Locale } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';

interface ExportOptions extends CommonOptions {
  from?: string;
  to?: string;
  out?: string;
  locale?: string;
}

const MAX_MONTHS = 120;

/** `dossier export <service>`: the review package (spec section 8). */
export const registerExport: CommandRegistrar = (program, ctx, setExit) => {
  program
    .command('export')
    .description('write the review package (ZIP): report, evidence, ledger rows, manifest, SHA256SUMS, VERIFY.md')
    .argument('<service>', 'service id')
    .option('--from <YYYY-MM>', 'first month of the window (default: 12 months before the next obligation due date)')
    .option('--to <YYYY-MM>', 'last month of the window')
    .option('--out <file.zip>', 'where to write the package (default: <service>-review-<from>_<to>.zip)')
    .option('--locale <locale>', 'zh-CN or en (default: the config locale)')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (serviceId: string, opts: ExportOptions) => {
      const config = readConfig(opts);
      const service = findService(config, serviceId);
      if (!service) throw new UsageError(`no service "${serviceId}" in ${config.file}; services: ${config.services.map((s) => s.id).join(', ')}`);
      if (opts.locale && opts.locale !== 'zh-CN' && opts.locale !== 'en') throw new UsageError(`--locale ${opts.locale} is not supported; use zh-CN or en`);
      const locale = (opts.locale ?? config.locale) as Locale;
      for (const [flag, v] of [['--from', opts.from], ['--to', opts.to]] as const) {
        if (v !== undefined && !isMonthKey(v)) throw new UsageError(`${flag} ${v} is not a month; write it as YYYY-MM (e.g. 2026-10)`);
      }

      const today = ctx.clock.now().setZone(config.timezone).toISODate()!;
      const { summary, from, to, basis } = await withLedger(config, ctx, async (ledger) => {
        const completions = new Map<string, Completion[]>();
        for (const o of service.obligations) completions.set(o.id, await obligationCompletions(ledger, service.id, o.id));
        const fallback = defaultWindow(service.obligations, (id) => completions.get(id) ?? [], today);
        const from = opts.from ?? (opts.to ? addMonths(opts.to, -11) : fallback.from);
        const to = opts.to ?? (opts.from ? addMonths(opts.from, 11) : fallback.to);
        if (from > to) throw new UsageError(`--from ${from} is after --to ${to}; the window runs from the earlier month to the later one`);
        const window = windowOf(from, to, config.timezone);
        if (window.months.length > MAX_MONTHS) throw new UsageError(`the window ${from}–${to} has ${window.months.length} months; at most ${MAX_MONTHS} per package`);
        const out = resolve(opts.out ?? `${service.id}-review-${from}_${to}.zip`);
        if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory()) throw new UsageError(`--out ${out}: the directory ${dirname(out)} does not exist`);
        if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a directory; give a file name such as ${service.id}.zip`);
        const summary = await exportPackage({ config, ledger, archive: new Archive(config.archive.dir), service, window, locale, out });
        return { summary, from, to, basis: !opts.from && !opts.to ? fallback.basis : undefined };
      });
      const out = summary.out;
      setExit(summary.problems.length ? 1 : 0);
      if (opts.json) return ctx.out(JSON.stringify({ ...summary, window: { from, to, basis } }, null, 2));

      const l = locale;
      const mb = summary.bytes < 1024 * 1024 ? `${(summary.bytes / 1024).toFixed(1)} KB` : `${(summary.bytes / 1024 / 1024).toFixed(1)} MB`;
      ctx.out(say(l, `已写入 ${out}（${mb}，${summary.files} 个文件，其中证据 ${summary.evidence.files} 个）`, `Wrote ${out} (${mb}, ${summary.files} files, ${summary.evidence.files} of them evidence)`));
      const why = basis
        ? say(l, `（依据：${basis.title} 到期日 ${basis.due}）`, ` (from: ${basis.title}, due ${basis.due})`)
        : !opts.from && !opts.to
          ? say(l, '（没有即将到期的义务：取最近 12 个完整月份）', ' (no upcoming obligation: the last 12 whole months)')
          : '';
      ctx.out(say(l, `覆盖期间：${from} 至 ${to}${why}`, `Window: ${from} to ${to}${why}`));
      const lg = summary.ledger;
      ctx.out(
        lg.rows
          ? say(l, `账本：seq ${lg.fromSeq}–${lg.toSeq}（从起点到链头），共 ${lg.rows} 行；链头 ${lg.head.hash}`, `Ledger: seq ${lg.fromSeq}–${lg.toSeq} (genesis to head), ${lg.rows} rows; chain head ${lg.head.hash}`)
          : say(l, '账本：为空', 'Ledger: empty'),
      );
      if (summary.missingMonths.length) ctx.out(say(l, `缺失月份（运营日志）：${summary.missingMonths.join(', ')}`, `Missing months (safety logs): ${summary.missingMonths.join(', ')}`));
      ctx.out(say(l, `档案包 sha256：${summary.sha256}（请通过其他渠道告知审阅方，便于核对）`, `Package sha256: ${summary.sha256} (send it to the reviewer by another channel)`));
      if (summary.problems.length) {
        ctx.out(say(l, `导出时发现 ${summary.problems.length} 处不一致（已写入档案包）：`, `${summary.problems.length} mismatch(es) found while exporting (recorded in the package):`));
        for (const p of summary.problems) ctx.out(`  ✗ ${p}`);
      }
    });
};
