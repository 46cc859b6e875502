import { createInterface } from 'node:readline';
import type { Entry } from 'yauzl';
import { errorMessage } from '../../lib/errors.js';
import { say, type Locale } from '../../lib/i18n.js';
import type { ChainRow } from '../../ledger/ledger.js';
import { asRecord } from './gather-sections.js';
import { EvidenceLedger, claimProblems, evidenceProblems } from './verify-complete.js';
import { LEDGER_FILE, SegmentChecker } from './ledger-file.js';
import { EVIDENCE_DIR, MANIFEST_FILE, PACKAGE_FORMAT, SUMS_FILE, parseSha256sums, type PackageManifest } from './manifest.js';
import { openZip, readSmall, type PackageZip } from './zip-read.js';
import { hashingStream } from '../../lib/hash.js';

export interface PackageReport {
  ok: boolean;
  file: string;
  locale: Locale;
  /** What the package says it is about: the reviewer compares these with what was asked for. */
  service?: string;
  serviceName?: string;
  window?: { from: string; to: string; timezone: string };
  head?: { seq: number; hash: string; at?: string };
  files: number;
  rows: number;
  evidence: number;
  problems: string[];
}

/** Optional: the live ledger's hash of a seq, to tie the package to this installation's ledger. */
export type LiveHashes = (fromSeq: number, toSeq: number) => Promise<Map<number, string>>;

/**
 * `dossier verify --package`: everything that can be checked from the package alone (see
 * VERIFY.md): the manifest and SHA256SUMS against every file, the ledger row by row from the
 * genesis to the head (ledger-file.ts), every evidence file against the ledger row that lists it,
 * and that every evidence file the ledger's rows list for the service and window is present
 * (verify-complete.ts). Each mismatch is named; nothing is extracted to disk. What the package
 * cannot prove is that its head is the real one: that is compared with the daily digest or the
 * server's ledger (`--against-ledger`).
 */
export async function verifyPackage(file: string, opts: { locale?: Locale; live?: LiveHashes } = {}): Promise<PackageReport> {
  let locale: Locale = opts.locale ?? 'zh-CN';
  const report: PackageReport = { ok: false, file, locale, files: 0, rows: 0, evidence: 0, problems: [] };
  let zip: PackageZip;
  try {
    zip = await openZip(file);
  } catch (err) {
    report.problems.push(say(locale, `${file} 不是可读取的 ZIP 档案包：${errorMessage(err)}`, `${file} is not a readable ZIP package: ${errorMessage(err)}`));
    return report;
  }
  try {
    const files = zip.entries.filter((e) => !e.fileName.endsWith('/'));
    const byName = new Map<string, Entry>();
    const p = report.problems;
    const twice = new Set<string>();
    for (const e of files) {
      if (byName.has(e.fileName)) twice.add(e.fileName);
      byName.set(e.fileName, e);
    }

    const manifest = await readManifest(zip, byName.get(MANIFEST_FILE), (m) => p.push(m(locale)));
    if (manifest && !opts.locale && (manifest.locale === 'en' || manifest.locale === 'zh-CN')) locale = report.locale = manifest.locale;
    const l = locale;
    for (const name of twice) p.push(say(l, `${name}：在包内出现了不止一次`, `${name}: appears more than once in the package`));
    const sumsEntry = byName.get(SUMS_FILE);
    const sumsText = sumsEntry ? await readSmall(zip, sumsEntry).catch(() => undefined) : undefined;
    const sums = sumsText ? parseSha256sums(sumsText.toString('utf8')) : undefined;
    if (!sums) p.push(say(l, `${SUMS_FILE} 缺失或无法读取`, `${SUMS_FILE} is missing or unreadable`));
    for (const line of sums?.bad ?? []) p.push(say(l, `${SUMS_FILE} 第 ${line} 行格式不对（应为“sha256␣␣文件名”）`, `${SUMS_FILE} line ${line} is malformed (expected "sha256  name")`));
    if (manifest) {
      report.service = manifest.service.id;
      report.serviceName = typeof manifest.service.name === 'string' ? manifest.service.name : undefined;
      report.window = { from: manifest.window.from, to: manifest.window.to, timezone: manifest.window.timezone };
      report.head = manifest.ledger.head;
      p.push(...claimProblems(l, manifest));
      for (const x of manifest.problems) p.push(say(l, `导出时已记录的不一致：${x}`, `recorded at export: ${x}`));
    }

    // Every file streamed once: its hash, and for ledger.jsonl the chain check.
    const actual = new Map<string, { sha256: string; bytes: number }>();
    const listed = new EvidenceLedger();
    const rowHashes = new Map<number, string>();
    const unreadable = new Set<string>();
    for (const e of [...byName.values()]) {
      try {
        await readEntry(zip, e, l, manifest, actual, (checker) => {
          p.push(...checker.finish(manifest!.ledger.head).map((x) => x.message));
          report.rows = checker.rows;
        }, (row) => {
          rowHashes.set(row.seq, row.hash);
          listed.add(row);
        });
      } catch (err) {
        unreadable.add(e.fileName);
        p.push(say(l, `${e.fileName}：无法读取（ZIP 中的数据已损坏：${errorMessage(err)}）`, `${e.fileName}: cannot be read (its data in the ZIP is damaged: ${errorMessage(err)})`));
      }
    }
    report.files = actual.size;
    if (manifest && !byName.has(LEDGER_FILE)) p.push(say(l, `${LEDGER_FILE} 缺失`, `${LEDGER_FILE} is missing`));

    p.push(...checkSums(l, actual, sums?.entries, unreadable));
    if (manifest) {
      p.push(...checkManifestFiles(l, actual, manifest, unreadable));
      if (actual.has(LEDGER_FILE)) p.push(...evidenceProblems(l, actual, listed, manifest));
      else p.push(say(l, `没有可读的 ${LEDGER_FILE}，证据文件无法与账本核对`, `no readable ${LEDGER_FILE}: the evidence files could not be checked against the ledger`));
      report.evidence = [...actual.keys()].filter((n) => n.startsWith(EVIDENCE_DIR)).length;
      if (opts.live) p.push(...(await checkLive(l, opts.live, manifest, rowHashes)));
    }
    report.ok = p.length === 0;
    return report;
  } catch (err) {
    report.problems.push(say(locale, `读取档案包时出错：${errorMessage(err)}`, `error while reading the package: ${errorMessage(err)}`));
    return report;
  } finally {
    zip.close();
  }
}

type Msg = (l: Locale) => string;

async function readManifest(zip: PackageZip, entry: Entry | undefined, problem: (m: Msg) => void): Promise<PackageManifest | undefined> {
  if (!entry) {
    problem((l) => say(l, `${MANIFEST_FILE} 缺失`, `${MANIFEST_FILE} is missing`));
    return undefined;
  }
  let buf: Buffer | undefined;
  try {
    buf = await readSmall(zip, entry);
  } catch (err) {
    problem((l) => say(l, `${MANIFEST_FILE}：无法读取（ZIP 中的数据已损坏：${errorMessage(err)}）`, `${MANIFEST_FILE}: cannot be read (its data in the ZIP is damaged: ${errorMessage(err)})`));
    return undefined;
  }
  try {
    const m = buf ? (JSON.parse(buf.toString('utf8')) as PackageManifest) : undefined;
    const ledger = asRecord(m?.ledger);
    const ok =
      m?.format === PACKAGE_FORMAT &&
      m.version === 1 &&
      Array.isArray(m.files) &&
      Array.isArray(m.evidence) &&
      Array.isArray(m.problems) &&
      typeof m.service?.id === 'string' &&
      typeof m.window?.from === 'string' &&
      typeof m.window?.to === 'string' &&
      [ledger.fromSeq, ledger.toSeq, asRecord(ledger.anchor).seq, asRecord(ledger.head).seq].every((v) => Number.isSafeInteger(v)) &&
      typeof asRecord(ledger.anchor).hash === 'string' &&
      typeof asRecord(ledger.head).hash === 'string';
    if (ok) return m;
    problem((l) => say(l, `${MANIFEST_FILE} 不是 Dossier 档案包清单（格式或字段不对）`, `${MANIFEST_FILE} is not a Dossier package manifest (wrong format or fields)`));
  } catch {
    problem((l) => say(l, `${MANIFEST_FILE} 不是有效的 JSON`, `${MANIFEST_FILE} is not valid JSON`));
  }
  return undefined;
}

/**
 * Streams one entry through sha256; ledger.jsonl also goes line by line through the segment check.
 * Errors of the entry's stream (a damaged deflate stream, a wrong size) reject, naming no hang.
 */
async function readEntry(
  zip: PackageZip,
  e: Entry,
  l: Locale,
  manifest: PackageManifest | undefined,
  actual: Map<string, { sha256: string; bytes: number }>,
  onSegment: (checker: SegmentChecker) => void,
  onRow: (row: ChainRow) => void,
): Promise<void> {
  const source = await zip.open(e);
  const stream = source.pipe(hashingStream((h) => actual.set(e.fileName, h)));
  // pipe() does not pass errors on: without this a damaged entry would leave the reads below waiting.
  source.on('error', (err) => stream.destroy(err));
  if (e.fileName === LEDGER_FILE && manifest) {
    const checker = new SegmentChecker(l, manifest.ledger);
    let n = 0;
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      const row = checker.add(++n, line);
      if (row) onRow(row);
    }
    onSegment(checker);
  } else {
    stream.resume();
    await new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject));
  }
}

function checkSums(l: Locale, actual: Map<string, { sha256: string }>, sums: Map<string, string> | undefined, unreadable: Set<string>): string[] {
  if (!sums) return [];
  const out: string[] = [];
  for (const [name, got] of actual) {
    if (name === SUMS_FILE) continue;
    const want = sums.get(name);
    if (!want) out.push(say(l, `${name}：未列在 ${SUMS_FILE} 中（打包后加入的？）`, `${name}: not listed in ${SUMS_FILE} (added after packaging?)`));
    else if (want !== got.sha256) out.push(say(l, `${name}：sha256 与 ${SUMS_FILE} 不符（文件被改动过）`, `${name}: sha256 does not match ${SUMS_FILE} (the file was changed)`));
  }
  for (const name of sums.keys()) {
    if (!actual.has(name) && !unreadable.has(name)) out.push(say(l, `${name}：列在 ${SUMS_FILE} 中，但包内没有`, `${name}: listed in ${SUMS_FILE} but missing from the package`));
  }
  return out;
}

function checkManifestFiles(l: Locale, actual: Map<string, { sha256: string; bytes: number }>, m: PackageManifest, unreadable: Set<string>): string[] {
  const out: string[] = [];
  const listed = new Map(m.files.map((f) => [f.name, f]));
  for (const [name, got] of actual) {
    if (name === MANIFEST_FILE || name === SUMS_FILE) continue;
    const want = listed.get(name);
    if (!want) out.push(say(l, `${name}：未列在 ${MANIFEST_FILE} 中`, `${name}: not listed in ${MANIFEST_FILE}`));
    else if (want.sha256 !== got.sha256 || want.bytes !== got.bytes) out.push(say(l, `${name}：sha256 或大小与 ${MANIFEST_FILE} 不符`, `${name}: sha256 or size does not match ${MANIFEST_FILE}`));
  }
  for (const name of listed.keys()) {
    if (!actual.has(name) && !unreadable.has(name)) out.push(say(l, `${name}：列在 ${MANIFEST_FILE} 中，但包内没有`, `${name}: listed in ${MANIFEST_FILE} but missing from the package`));
  }
  return out;
}

async function checkLive(l: Locale, live: LiveHashes, m: PackageManifest, rows: Map<number, string>): Promise<string[]> {
  const out: string[] = [];
  const known = await live(m.ledger.anchor.seq, m.ledger.toSeq);
  const check = (seq: number, hash: string, what: string) => {
    const mine = known.get(seq);
    if (seq === 0) return;
    if (mine === undefined) out.push(say(l, `${what}（seq ${seq}）不在本机账本中`, `${what} (seq ${seq}) is not in this installation's ledger`));
    else if (mine !== hash) out.push(say(l, `${what}（seq ${seq}）与本机账本中的哈希不同`, `${what} (seq ${seq}) differs from this installation's ledger`));
  };
  check(m.ledger.anchor.seq, m.ledger.anchor.hash, say(l, '锚点', 'the anchor'));
  for (const [seq, hash] of rows) check(seq, hash, say(l, `${LEDGER_FILE} 的行`, `${LEDGER_FILE} row`));
  return out;
}
