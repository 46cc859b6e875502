import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Archive } from '../../archive/store.js';
import { verifyArchive } from '../../archive/verify.js';
import { verifyPackage, type LiveHashes, type PackageReport } from '../../archive/export/verify-package.js';
import { verifyChain } from '../../ledger/verify.js';
import { UsageError } from '../../lib/errors.js';
import { say, type Locale } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, withLedger, type CliContext, type CommandRegistrar, type CommonOptions } from '../common.js';

interface VerifyOptions extends CommonOptions {
  package?: string;
  againstLedger?: boolean;
  locale?: string;
}

/**
 * `dossier verify`: the ledger's hash chain and every manifest; exit 0 only when all match.
 * `dossier verify --package FILE.zip`: a review package, from the package alone (no config, no
 * database: anyone can run it); `--against-ledger` also compares its rows with this
 * installation's ledger.
 */
export const registerVerify: CommandRegistrar = (program, ctx, setExit) => {
  program
    .command('verify')
    .description('verify the ledger hash chain and the evidence archive, or a review package (--package); names every row or file that does not match')
    .option('--package <file.zip>', 'verify a review package made by `dossier export` instead (needs no config)')
    .option('--against-ledger', 'with --package: also check every ledger row of the package against this installation\'s ledger')
    .option('--locale <locale>', 'with --package: zh-CN or en (default: the package\'s locale)')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: VerifyOptions) => {
      if (opts.package) return verifyPackageCommand(opts, ctx, setExit);
      const config = readConfig(opts);
      const { chain, archive } = await withLedger(config, ctx, async (ledger) => ({
        chain: await verifyChain(ledger),
        archive: await verifyArchive(ledger, new Archive(config.archive.dir)),
      }));
      const problems = [...chain.problems.map((p) => p.message), ...archive.problems];
      const ok = problems.length === 0;
      setExit(ok ? 0 : 1);
      if (opts.json) {
        return ctx.out(JSON.stringify({ ok, head: chain.head, rows: chain.rows, runs: archive.runs, files: archive.files, problems, notes: archive.notes }, null, 2));
      }
      const l = config.locale;
      ctx.out(say(l, `账本：${chain.rows} 行，链头 seq ${chain.head.seq} ${chain.head.hash}`, `Ledger: ${chain.rows} rows, chain head seq ${chain.head.seq} ${chain.head.hash}`));
      ctx.out(say(l, `证据：${archive.runs} 次运行，${archive.files} 个文件`, `Evidence: ${archive.runs} runs, ${archive.files} files`));
      for (const n of archive.notes) ctx.out(`  note: ${n}`);
      if (ok) return ctx.out(say(l, '校验通过：全部一致', 'Verified: everything matches'));
      ctx.out(say(l, `校验失败：${problems.length} 处不一致`, `Verification FAILED: ${problems.length} mismatch(es)`));
      for (const p of problems) ctx.out(`  ✗ ${p}`);
    });
};

async function verifyPackageCommand(opts: VerifyOptions, ctx: CliContext, setExit: (code: number) => void): Promise<void> {
  const file = resolve(opts.package!);
  if (!existsSync(file)) throw new UsageError(`--package ${file}: file not found`);
  if (opts.locale && opts.locale !== 'zh-CN' && opts.locale !== 'en') throw new UsageError(`--locale ${opts.locale} is not supported; use zh-CN or en`);
  const locale = opts.locale as Locale | undefined;
  let report: PackageReport;
  if (opts.againstLedger) {
    const config = readConfig(opts);
    report = await withLedger(config, ctx, (ledger) => {
      const live: LiveHashes = async (from, to) => {
        const hashes = new Map<number, string>();
        for (let f = Math.max(0, from - 1); f < to; f += 2000) {
          for (const row of await ledger.chainRows(f, Math.min(f + 2000, to))) hashes.set(row.seq, row.hash);
        }
        return hashes;
      };
      return verifyPackage(file, { locale: locale ?? config.locale, live });
    });
  } else {
    report = await verifyPackage(file, { locale });
  }
  setExit(report.ok ? 0 : 1);
  if (opts.json) return ctx.out(JSON.stringify(report, null, 2));
  const l = report.locale;
  ctx.out(say(l, `档案包：${file}`, `Package: ${file}`));
  // What the package says it is about. Nothing inside the package can vouch for it (a forger can
  // rewrite the manifest), so it stands out, for the reviewer to compare with what was asked for.
  if (report.service && report.window) {
    const rule = '='.repeat(60);
    const name = report.serviceName ? say(l, `（${report.serviceName}）`, ` (${report.serviceName})`) : '';
    ctx.out(rule);
    ctx.out(say(l, `  服务：    ${report.service}${name}`, `  Service: ${report.service}${name}`));
    ctx.out(say(l, `  覆盖期间：${report.window.from} 至 ${report.window.to}（${report.window.timezone}）`, `  Window:  ${report.window.from} to ${report.window.to} (${report.window.timezone})`));
    ctx.out(say(l, '  请核对：服务与覆盖期间应与您要求提供的一致。', '  Check: the service and window must be the ones you asked for.'));
    ctx.out(rule);
  }
  ctx.out(
    say(
      l,
      `文件 ${report.files} 个（证据 ${report.evidence} 个），账本 ${report.rows} 行${report.head ? `，链头 seq ${report.head.seq} ${report.head.hash}` : ''}`,
      `${report.files} files (${report.evidence} evidence), ${report.rows} ledger rows${report.head ? `, chain head seq ${report.head.seq} ${report.head.hash}` : ''}`,
    ),
  );
  if (report.ok) {
    ctx.out(
      say(
        l,
        `校验通过：${report.service} 在 ${report.window!.from} 至 ${report.window!.to} 的档案包完整且未被改动（相对于上面的链头）`,
        `Verified: the package of ${report.service} for ${report.window!.from} to ${report.window!.to} is complete and unchanged (relative to the chain head above)`,
      ),
    );
    if (!opts.againstLedger) ctx.out(say(l, '请将上面的链头与每日摘要邮件或服务器上的账本核对（见 VERIFY.md）', 'Compare the chain head above with the daily digest email or the server\'s ledger (see VERIFY.md)'));
    return;
  }
  ctx.out(say(l, `校验失败：${report.problems.length} 处不一致`, `Verification FAILED: ${report.problems.length} mismatch(es)`));
  for (const p of report.problems) ctx.out(`  ✗ ${p}`);
}
