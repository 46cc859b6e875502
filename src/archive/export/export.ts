import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DateTime } from 'luxon';
import type { Config, Service } from '../../config/normalize.js';
import type { Ledger } from '../../ledger/ledger.js';
import { canonicalJson } from '../../lib/hash.js';
import { errorCode } from '../../lib/errors.js';
import { say, type Locale } from '../../lib/i18n.js';
import type { Archive } from '../store.js';
import { gatherPackage } from './gather.js';
import { renderIndex } from './html.js';
import { LEDGER_FILE, SegmentChecker, ledgerLines, ledgerLine } from './ledger-file.js';
import { EVIDENCE_DIR, INDEX_FILE, MANIFEST_FILE, PACKAGE_FORMAT, SUMS_FILE, VERIFY_FILE, sha256sums, type PackageManifest } from './manifest.js';
import type { EvidenceItem, PackageData } from './model.js';
import { verifyDoc } from './verify-doc.js';
import type { ExportWindow } from './window.js';
import { writeZip, zipStamp, type ZipEntry } from './zip.js';

export interface ExportRequest {
  config: Config;
  ledger: Ledger;
  archive: Archive;
  service: Service;
  window: ExportWindow;
  locale: Locale;
  out: string;
}

export interface ExportSummary {
  out: string;
  sha256: string;
  bytes: number;
  files: number;
  evidence: { files: number; bytes: number };
  ledger: PackageManifest['ledger'];
  missingMonths: string[];
  /** What did not match while exporting (the package is still written, and says so). */
  problems: string[];
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/**
 * Archive paths as the ledger records them: <service>/<check>/<period>/<runId>/<file>, or
 * <service>/_baselines/<date>/<acceptId>/<file> (a leading `_` keeps baseline archives apart
 * from check ids). Only what could leave the archive or the package's evidence/ folder is
 * refused: empty segments (a leading or doubled `/`), `.` and `..`, and any other character.
 */
export function isSafeArchivePath(path: string): boolean {
  return path.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
}

/**
 * Writes the review package. Order inside the ZIP (fixed): VERIFY.md, the evidence files
 * (sorted by path), ledger.jsonl, index.html, manifest.json, SHA256SUMS. Evidence and ledger rows
 * stream through (a 2 GB month is never held in memory) and are hashed on the way; the page
 * comes after them so it can report anything that did not match, and the manifest and
 * SHA256SUMS come last because they list the hashes of everything before them.
 */
export async function exportPackage(req: ExportRequest): Promise<ExportSummary> {
  const { ledger, archive, locale } = req;
  const data = await gatherPackage(ledger, req.config, req.service, req.window, locale);
  const problems: string[] = [];

  const included: EvidenceItem[] = [];
  for (const item of data.evidence) {
    const problem = isSafeArchivePath(item.path) ? await fileProblem(archive.resolve(item.path), item, locale) : unsafe(item, locale);
    if (problem) problems.push(problem);
    else included.push(item);
  }

  const segment = new SegmentChecker(locale, data.ledger);
  let line = 0;
  const rows = Math.max(0, data.ledger.toSeq - data.ledger.fromSeq + 1);
  const ledgerInfo: PackageManifest['ledger'] = { file: LEDGER_FILE, ...data.ledger, rows, head: data.head };
  const text = (s: string) => Readable.from([Buffer.from(s, 'utf8')]);

  const entries: ZipEntry[] = [
    { name: VERIFY_FILE, open: () => text(verifyDoc(locale, data, ledgerInfo)) },
    ...included.map((item) => ({ name: EVIDENCE_DIR + item.path, open: () => createReadStream(archive.resolve(item.path)) })),
    { name: LEDGER_FILE, open: () => ledgerLines(ledger, data.ledger, (row) => segment.add(++line, ledgerLine(row).trimEnd())) },
    {
      name: INDEX_FILE,
      open: (before) => {
        problems.push(...evidenceMismatches(before, included, locale));
        problems.push(...segment.finish(data.head).map((p) => p.message));
        return text(renderIndex(data, problems));
      },
    },
    {
      name: MANIFEST_FILE,
      open: (before) => {
        const manifest: PackageManifest = {
          format: PACKAGE_FORMAT,
          version: 1,
          service: data.service,
          window: { from: data.window.from, to: data.window.to, timezone: data.timezone },
          locale,
          ledger: ledgerInfo,
          evidence: included.map(({ path, sha256, bytes, seq }) => ({ path, sha256, bytes, seq })),
          files: [...before],
          problems,
        };
        return text(`${JSON.stringify(JSON.parse(canonicalJson(manifest)), null, 2)}\n`);
      },
    },
    { name: SUMS_FILE, open: (before) => text(sha256sums(before)) },
  ];

  const zip = await writeZip(req.out, entries, zipStamp(stampOf(data)));
  return {
    out: req.out,
    sha256: zip.sha256,
    bytes: zip.bytes,
    files: zip.entries.length,
    evidence: { files: included.length, bytes: included.reduce((n, i) => n + i.bytes, 0) },
    ledger: ledgerInfo,
    missingMonths: [...new Set(data.safetyLogs.flatMap((s) => s.months.filter((m) => m.state === 'missing').map((m) => m.month)))].sort(),
    problems,
  };
}

/** The time every entry carries: the head row's time in the configured zone (the state the package shows). */
function stampOf(data: PackageData): DateTime {
  const at = data.head.at ? DateTime.fromISO(data.head.at) : data.window.end;
  return at.setZone(data.timezone);
}

async function fileProblem(path: string, item: EvidenceItem, locale: Locale): Promise<string | undefined> {
  try {
    if ((await stat(path)).isFile()) return undefined;
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') {
      return say(locale, `证据 ${item.path} 无法读取（${errorCode(err) ?? String(err)}），未放入档案包`, `evidence ${item.path} cannot be read (${errorCode(err) ?? String(err)}); not in the package`);
    }
  }
  return say(
    locale,
    `证据 ${item.path}（账本第 ${item.seq} 行记录）在证据库中不存在，未放入档案包`,
    `evidence ${item.path} (listed by ledger row seq ${item.seq}) is missing from the archive; not in the package`,
  );
}

function unsafe(item: EvidenceItem, locale: Locale): string {
  return say(locale, `账本第 ${item.seq} 行记录的证据路径不安全：${item.path}，已跳过`, `ledger row seq ${item.seq} lists an unsafe evidence path: ${item.path}; skipped`);
}

/** Archive files whose content is not what their ledger row recorded. */
function evidenceMismatches(before: readonly { name: string; sha256: string; bytes: number }[], included: EvidenceItem[], locale: Locale): string[] {
  const written = new Map(before.map((e) => [e.name, e]));
  const out: string[] = [];
  for (const item of included) {
    const got = written.get(EVIDENCE_DIR + item.path);
    if (got && (got.sha256 !== item.sha256 || got.bytes !== item.bytes)) {
      out.push(
        say(
          locale,
          `证据 ${item.path} 与账本第 ${item.seq} 行记录的 sha256/大小不符（证据库中的文件被改动过）`,
          `evidence ${item.path} does not match the sha256/size recorded by ledger row seq ${item.seq} (the archive file was changed)`,
        ),
      );
    }
  }
  return out;
}
