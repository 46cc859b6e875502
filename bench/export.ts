/**
 * Review-package benchmark: one month with a big events.jsonl.gz (default 2 GiB, BENCH_EXPORT_MB
 * to change), exported and verified, next to a baseline measured in the same run on the same
 * file: `cp` (the disk) and a plain read + sha256 (the floor for anything that hashes it).
 * Prints wall time, throughput and the peak RSS of this process.
 *
 *   npm run bench:export                  # 2 GiB
 *   BENCH_EXPORT_MB=512 npm run bench:export
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Archive } from '../src/archive/store.js';
import { exportPackage } from '../src/archive/export/export.js';
import { verifyPackage } from '../src/archive/export/verify-package.js';
import { windowOf } from '../src/archive/export/window.js';
import { parseConfig } from '../src/config/load.js';
import { openLedger } from '../src/ledger/open.js';
import { recordRunFinished, recordRunStarted } from '../src/ledger/runs.js';
import { FixedClock } from '../src/lib/clock.js';

const MB = Number(process.env.BENCH_EXPORT_MB ?? 2048);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'dossier-bench-export-'));

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

async function timed<T>(label: string, bytes: number, fn: () => Promise<T> | T): Promise<T> {
  peak = process.memoryUsage().rss;
  const before = peak;
  const t0 = performance.now();
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  console.log(`${label.padEnd(34)} ${s.toFixed(2).padStart(7)} s  ${(bytes / 1024 / 1024 / s).toFixed(0).padStart(5)} MiB/s  peak RSS ${mib(peak)} (+${mib(peak - before)})`);
  return out;
}

try {
  const configPath = join(dir, 'dossier.yaml');
  mkdirSync(join(dir, 'data'));
  const config = parseConfig(configPath, `version: 1\ndataDir: ./data\nservices:\n  - id: svc\n    name: Bench\n    filing: { number: B-1 }\n`, {});
  const clock = new FixedClock('2026-11-01T02:00:00+08:00');
  const ledger = await openLedger(config.ledger.url, clock);
  const archive = new Archive(config.archive.dir);

  // A month of "events": incompressible bytes, as a real .gz is, written through the archive.
  const chunk = randomBytes(1024 * 1024);
  const runId = 'bench-run';
  const period = { key: '2026-10', start: '2026-10-01T00:00:00.000+08:00', end: '2026-11-01T00:00:00.000+08:00' };
  const base = { runId, check: 'svc-safety-logs', type: 'safety-logs', service: 'svc', period, scheduledAt: clock.now().toISO()!, startedAt: clock.now().toISO()!, attempt: 1, trigger: 'schedule' as const };
  await recordRunStarted(ledger, base);
  const writer = await archive.openRun({ service: 'svc', check: base.check, period: period.key, runId }, base.startedAt);
  await timed(`write ${MB} MiB evidence (archive)`, MB * 1024 * 1024, () =>
    writer.writeFrom('events.jsonl.gz', Readable.from((function* () { for (let i = 0; i < MB; i++) yield chunk; })())),
  );
  await writer.writeJson('summary.json', { total: 1 });
  const evidence = await writer.finalize();
  await recordRunFinished(ledger, { ...base, finishedAt: base.startedAt, status: 'pass', summary: 'bench', metrics: { total: 1, blocked: 0, violationRate: 0 }, findings: [], evidence });
  const big = archive.resolve(evidence.find((e) => e.path.endsWith('events.jsonl.gz'))!.path);
  const bytes = statSync(big).size;

  console.log(`\nbaseline (same file, same run):`);
  await timed('cp (disk)', bytes, () => execFileSync('cp', [big, join(dir, 'copy.bin')]));
  rmSync(join(dir, 'copy.bin'));
  await timed('read + sha256 (node)', bytes, async () => {
    const h = createHash('sha256');
    for await (const c of createReadStream(big)) h.update(c as Buffer);
    return h.digest('hex');
  });

  console.log(`\nDossier:`);
  const out = join(dir, 'package.zip');
  await timed('dossier export (ZIP, sha256 once)', bytes, () =>
    exportPackage({ config, ledger, archive, service: config.services[0]!, window: windowOf('2026-10', '2026-10', config.timezone), locale: 'en', out }),
  );
  const report = await timed('dossier verify --package', bytes, () => verifyPackage(out));
  if (!report.ok) throw new Error(`verify failed: ${report.problems.join('; ')}`);
  console.log(`\npackage ${mib(statSync(out).size)}; verify: ok (${report.files} files)`);
  await ledger.close();
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
