import { Archive } from '../../archive/store.js';
import { verifyArchive } from '../../archive/verify.js';
import { verifyChain } from '../../ledger/verify.js';
import { say } from '../../lib/i18n.js';
import { configOption, jsonOption, readConfig, withLedger, type CommandRegistrar, type CommonOptions } from '../common.js';

/** `dossier verify`: the ledger's hash chain and every manifest; exit 0 only when all match. */
export const registerVerify: CommandRegistrar = (program, ctx, setExit) => {
  program
    .command('verify')
    .description('verify the ledger hash chain and the evidence archive; names every row or file that does not match')
    .addOption(configOption())
    .addOption(jsonOption())
    .action(async (opts: CommonOptions) => {
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
