import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, statfsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Archive } from '../src/archive/store.js';
import { parsePeriodKey } from '../src/calendar/period.js';
import { collect } from '../src/logs/collect.js';
import { DEFAULT_FIELDS } from '../src/logs/context.js';
import { BLOCK, dayIndex, PASS, periodWindow, REVIEW, Tally, type TallyData } from '../src/logs/tally.js';
import { generateMonth } from './safety-logs-data.js';

/**
 * `npm run bench:safety-logs [-- --size-mb 500] [--rounds 3] [--keep]`
 *
 * Generates (seeded) a month of moderation events under bench/.data/ and measures, in one run,
 * each mode in its own child process (so peak RSS is per mode):
 *   (a) naive:   readline + JSON.parse per line + counting (the baseline),
 *   (b) metrics: Dossier's collection, counts only,
 *   (c) full:    Dossier's collection with masking and the gzipped events evidence.
 * The modes run interleaved (a, b, c, a, b, c, …) so that load from other processes hits them
 * alike; each ratio is taken within a round, and the median over rounds is printed with every
 * round's figures. Fails (exit 1) unless all modes produced exactly the same counts. Generated
 * data is deleted afterwards unless --keep.
 */

const ZONE = 'Asia/Shanghai';
const PERIOD = '2026-10';
const HERE = fileURLToPath(new URL('.', import.meta.url));
const REPO = resolve(HERE, '../..');
const DATA = join(REPO, 'bench/.data');

type Mode = 'naive' | 'metrics' | 'full';
interface ModeResult {
  mode: Mode;
  seconds: number;
  bytes: number;
  peakRssMb: number;
  cpuSeconds: number;
  counts: Omit<TallyData, 'samples' | 'categoriesCapped'>;
  evidenceBytes?: number;
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  const result = await runMode(args[1] as Mode, args[2]!);
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  await main();
}

async function main(): Promise<void> {
  const sizeMb = Number(valueOf('--size-mb') ?? 500);
  const rounds = Math.max(1, Number(valueOf('--rounds') ?? 3));
  const keep = args.includes('--keep');
  mkdirSync(DATA, { recursive: true });
  const file = join(DATA, `safety-logs-${sizeMb}mb.jsonl`);
  const free = statfsSync(DATA);
  const freeMb = (free.bavail * free.bsize) / 1e6;
  if (!existsSync(file) && freeMb < sizeMb * 1.6 + 500) {
    console.error(`not enough free disk under ${DATA}: ${freeMb.toFixed(0)} MB free, the run needs about ${(sizeMb * 1.6 + 500).toFixed(0)} MB`);
    process.exit(2);
  }
  try {
    if (!existsSync(file)) {
      const t = performance.now();
      const { lines, bytes } = generateMonth(file, sizeMb * 1e6);
      console.log(`generated ${file}: ${(bytes / 1e6).toFixed(0)} MB, ${lines.toLocaleString('en')} lines in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    console.log(`node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const results: ModeResult[][] = [];
    for (let round = 0; round < rounds; round++) {
      const row: ModeResult[] = [];
      for (const mode of ['naive', 'metrics', 'full'] as Mode[]) {
        const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
        if (child.status !== 0) {
          console.error(`mode ${mode} failed (exit ${child.status}):\n${child.stderr}`);
          process.exit(1);
        }
        row.push(JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ModeResult);
      }
      results.push(row);
    }
    report(results);
  } finally {
    if (!keep) rmSync(file, { force: true });
  }
}

function report(rounds: ModeResult[][]): void {
  const modes: Mode[] = ['naive', 'metrics', 'full'];
  const label: Record<Mode, string> = {
    naive: '(a) naive: readline + JSON.parse',
    metrics: '(b) Dossier, metrics only',
    full: '(c) Dossier, full (mask + gzip evidence)',
  };
  const speed = (r: ModeResult) => r.bytes / 1e6 / r.seconds;
  const of = (row: ModeResult[], m: Mode) => row.find((r) => r.mode === m)!;
  const median = (xs: number[]) => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  };
  console.log(`\n${'mode'.padEnd(42)}${'MB/s'.padStart(8)}${'× (a)'.padStart(8)}${'CPU s'.padStart(8)}${'peak RSS'.padStart(11)}   per round: MB/s (× (a))`);
  for (const m of modes) {
    const speeds = rounds.map((row) => speed(of(row, m)));
    const ratios = rounds.map((row) => speed(of(row, m)) / speed(of(row, 'naive')));
    const cpu = median(rounds.map((row) => of(row, m).cpuSeconds));
    const rss = Math.max(...rounds.map((row) => of(row, m).peakRssMb));
    const each = rounds.map((_, i) => `${speeds[i]!.toFixed(0)} (${ratios[i]!.toFixed(2)})`).join(', ');
    console.log(`${label[m].padEnd(42)}${median(speeds).toFixed(1).padStart(8)}${median(ratios).toFixed(2).padStart(8)}${cpu.toFixed(1).padStart(8)}${`${rss.toFixed(0)} MB`.padStart(11)}   ${each}`);
  }
  const first = rounds[0]!;
  const full = of(first, 'full');
  if (full.evidenceBytes) console.log(`events.jsonl.gz: ${(full.evidenceBytes / 1e6).toFixed(1)} MB (${((100 * full.evidenceBytes) / full.bytes).toFixed(1)}% of the input)`);
  const c = of(first, 'naive').counts;
  console.log(`counts: lines ${c.lines}, total ${c.total}, blocked ${c.blocked}, reviewed ${c.reviewed}, malformed ${c.malformed}, outside the period ${c.outside}`);
  const b = median(rounds.map((row) => speed(of(row, 'metrics')) / speed(of(row, 'naive'))));
  const f = median(rounds.map((row) => speed(of(row, 'full')) / speed(of(row, 'naive'))));
  const maxRss = Math.max(...rounds.flatMap((row) => row.filter((r) => r.mode !== 'naive').map((r) => r.peakRssMb)));
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log(`targets (medians): (b)/(a) = ${b.toFixed(2)} ≥ 3: ${check(b >= 3)}; (c)/(a) = ${f.toFixed(2)} ≥ 1: ${check(f >= 1)}; peak RSS ${maxRss.toFixed(0)} MB ≤ 150: ${check(maxRss <= 150)}`);
  const reference = JSON.stringify(c);
  const differing = rounds.flat().filter((r) => JSON.stringify(r.counts) !== reference);
  if (differing.length) {
    for (const r of differing) console.error(`${r.mode}: ${JSON.stringify(r.counts)}`);
    console.error(`expected: ${reference}`);
    console.error('counts differ between modes: the collection is not exact');
    process.exit(1);
  }
  console.log('exact: every mode produced identical counts');
}

async function runMode(mode: Mode, file: string): Promise<ModeResult> {
  const period = parsePeriodKey('previous-month', PERIOD, ZONE)!;
  const bytes = statSync(file).size;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let tally: Tally;
  let evidenceBytes: number | undefined;
  if (mode === 'naive') {
    tally = await naive(file, periodWindow(period));
  } else if (mode === 'metrics') {
    tally = (await collect({ patterns: [file], period, fields: DEFAULT_FIELDS, verdicts: {}, zone: ZONE })).tally;
  } else {
    const dir = mkdtempSync(join(DATA, 'archive-'));
    try {
      const evidence = await new Archive(dir).openRun({ service: 'bench', check: 'bench-safety-logs', period: PERIOD, runId: 'bench' }, new Date().toISOString());
      const out = evidence.createStream('events.jsonl.gz');
      const events = { open: () => out.stream, mask: true, tempDir: evidence.absDir };
      tally = (await collect({ patterns: [file], period, fields: DEFAULT_FIELDS, verdicts: {}, zone: ZONE, events })).tally;
      evidenceBytes = (await out.done).bytes;
    } finally {
      rmSync(dir, { recursive: true, force: true }); // not sealed (no finalize), so still removable
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const { samples: _s, categoriesCapped: _c, ...counts } = tally.data();
  counts.categories.sort((x, y) => x[0].localeCompare(y[0]));
  return {
    mode,
    seconds,
    bytes,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    counts,
    ...(evidenceBytes !== undefined ? { evidenceBytes } : {}),
  };
}

/** The baseline: what one writes first. Same counting rules, no tricks. */
async function naive(file: string, window: ReturnType<typeof periodWindow>): Promise<Tally> {
  const tally = new Tally(window.dayKeys.length);
  const verdicts: Record<string, typeof PASS | typeof BLOCK | typeof REVIEW> = { pass: PASS, block: BLOCK, review: REVIEW };
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    lineNo++;
    if (!line.trim()) continue;
    tally.lines++;
    let ev: Record<string, unknown>;
    try {
      ev = JSON.parse(line) as Record<string, unknown>;
    } catch {
      tally.malformedLine(file, lineNo, 'invalid JSON');
      continue;
    }
    const ms = typeof ev.ts === 'string' ? Date.parse(ev.ts) : typeof ev.ts === 'number' ? ev.ts : NaN;
    if (Number.isNaN(ms)) {
      tally.malformedLine(file, lineNo, 'bad timestamp');
      continue;
    }
    if (ms < window.startMs || ms >= window.endMs) {
      tally.outside++;
      continue;
    }
    const verdict = typeof ev.verdict === 'string' ? verdicts[ev.verdict] : undefined;
    if (verdict === undefined) {
      tally.malformedLine(file, lineNo, 'unknown verdict');
      continue;
    }
    const category = typeof ev.category === 'string' && ev.category.trim() ? ev.category.trim() : undefined;
    tally.event(dayIndex(window, ms), verdict, category);
  }
  return tally;
}

function valueOf(flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}
